namespace Synth.Contracts.Jobs;

/// <summary>
/// A mutable copy of the spec's concept tree. Its leaves are the values of its condition dimension, written as paths
/// ("electronics/headphones"); dataset-wise decomposition grows it with <see cref="AddChildren"/> as data arrives.
/// </summary>
public sealed class ConceptTree
{
    public const char PathSeparator = '/';

    private readonly List<Node> _roots;

    public ConceptTree(ConceptTreeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Dimension = spec.Dimension;
        MaxDepth = spec.MaxDepth;
        MaxBranching = spec.MaxBranching;
        // A copy, so growing the tree never changes the job's spec.
        _roots = spec.Topics.Select(Copy).ToList();
    }

    /// <summary>The condition key the chosen path is recorded under.</summary>
    public string Dimension { get; }

    public int MaxDepth { get; }

    public int MaxBranching { get; }

    /// <summary>Every leaf path with its share of requests: the product of its and its ancestors' weights relative to their siblings.</summary>
    public IReadOnlyList<(string Path, double Share)> Leaves()
    {
        var leaves = new List<(string, double)>();
        Collect(_roots, "", 1.0, leaves);
        return leaves;
    }

    /// <summary>The paths of every node, internal ones included, in depth-first order.</summary>
    public IReadOnlyList<string> Paths()
    {
        var paths = new List<string>();
        Walk(_roots, "", paths);
        return paths;
    }

    /// <summary>
    /// Adds children under the node at <paramref name="parentPath"/> (an empty path adds top-level topics). Names already
    /// present (ignoring case) are skipped, and so is anything past <see cref="MaxDepth"/> or <see cref="MaxBranching"/>:
    /// the model proposes, the spec's limits decide. Returns how many were added.
    /// </summary>
    public int AddChildren(string parentPath, IEnumerable<ConceptNode> children)
    {
        ArgumentNullException.ThrowIfNull(parentPath);
        ArgumentNullException.ThrowIfNull(children);
        List<Node> siblings;
        int depth;
        if (parentPath.Length == 0)
        {
            siblings = _roots;
            depth = 1;
        }
        else
        {
            var parent = Find(parentPath) ?? throw new ArgumentException($"no concept '{parentPath}' in the tree", nameof(parentPath));
            siblings = parent.Children;
            depth = parentPath.Split(PathSeparator).Length + 1;
        }

        if (depth > MaxDepth)
        {
            return 0;
        }

        var added = 0;
        foreach (var child in children)
        {
            var name = child.Name.Trim();
            if (siblings.Count >= MaxBranching)
            {
                break;
            }
            if (name.Length == 0 || name.Contains(PathSeparator, StringComparison.Ordinal)
                || siblings.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            // Only the proposed node itself: its own children would bypass the depth and branching checks.
            siblings.Add(new Node(name, child.Weight > 0 ? child.Weight : 1.0, []));
            added++;
        }
        return added;
    }

    public bool Contains(string path) => Find(path) is not null;

    /// <summary>The names of the children of <paramref name="parentPath"/> ("" for the top level); empty when unknown or a leaf.</summary>
    public IReadOnlyList<string> ChildNames(string parentPath)
    {
        ArgumentNullException.ThrowIfNull(parentPath);
        var children = parentPath.Length == 0 ? _roots : Find(parentPath)?.Children ?? [];
        return [.. children.Select(c => c.Name)];
    }

    /// <summary>The leaves under <paramref name="path"/> (the path itself when it is a leaf) with their share relative to it; empty when unknown.</summary>
    public IReadOnlyList<(string Path, double Share)> LeavesUnder(string path)
    {
        var node = Find(path);
        if (node is null)
        {
            return [];
        }
        if (node.Children.Count == 0)
        {
            return [(path, 1.0)];
        }
        var leaves = new List<(string, double)>();
        Collect(node.Children, path + PathSeparator, 1.0, leaves);
        return leaves;
    }

    private Node? Find(string path)
    {
        var level = _roots;
        Node? node = null;
        foreach (var part in path.Split(PathSeparator))
        {
            node = level.FirstOrDefault(n => string.Equals(n.Name, part, StringComparison.OrdinalIgnoreCase));
            if (node is null)
            {
                return null;
            }
            level = node.Children;
        }
        return node;
    }

    private static void Collect(List<Node> nodes, string prefix, double share, List<(string, double)> leaves)
    {
        var total = nodes.Sum(n => n.Weight);
        foreach (var node in nodes)
        {
            var nodeShare = share * node.Weight / total;
            if (node.Children.Count == 0)
            {
                leaves.Add((prefix + node.Name, nodeShare));
            }
            else
            {
                Collect(node.Children, prefix + node.Name + PathSeparator, nodeShare, leaves);
            }
        }
    }

    private static void Walk(List<Node> nodes, string prefix, List<string> paths)
    {
        foreach (var node in nodes)
        {
            paths.Add(prefix + node.Name);
            Walk(node.Children, prefix + node.Name + PathSeparator, paths);
        }
    }

    private static Node Copy(ConceptNode node) => new(node.Name, node.Weight, node.Children.Select(Copy).ToList());

    private sealed record Node(string Name, double Weight, List<Node> Children);
}
