using Synth.Contracts.Jobs;

namespace Synth.Generation.Conditions;

/// <summary>
/// Plans the condition assignment e_condition of each request. <c>independent</c>: every axis drawn by weight from a
/// hash of (seed, request index, axis), so any request's plan is the same in every process. <c>least-covered</c>: each
/// request takes the combination furthest below its target share, measured as (coverage + ½) / share — the
/// Sainte-Laguë rule, which keeps every combination within about one sample of its share — ties going to the lower
/// combination number. Requests are planned in index order, so from the same counts a restart plans the same sequence.
/// Thread-safe.
/// </summary>
public sealed class ConditionPlanner
{
    private readonly ConditionsSpec _spec;
    private readonly int _seed;
    private readonly int _samplesPerRequest;
    private readonly List<IReadOnlyDictionary<string, string>> _planned = [];
    private readonly Lock _gate = new();
    private PriorityQueue<int, (double Key, int Combination)>? _queue;
    private double[] _coverage = [];
    private long _coverageVersion = -1;

    /// <param name="samplesPerRequest">Samples each planned request adds to its combination's coverage.</param>
    public ConditionPlanner(ConditionsSpec spec, int seed, int samplesPerRequest = 1, CoverageCounter? coverage = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerRequest, 1);
        _spec = spec;
        _seed = seed;
        _samplesPerRequest = samplesPerRequest;
        Coverage = coverage ?? new CoverageCounter();
        Tree = spec.ConceptTree is null ? null : new ConceptTree(spec.ConceptTree);
        Space = BuildSpace();
    }

    public SamplingPolicy Policy => _spec.Sampling;

    /// <summary>The counts least-covered planning works from: its own plans until feedback replaces them.</summary>
    public CoverageCounter Coverage { get; }

    /// <summary>The planner's own copy of the concept tree, grown by <see cref="AddConcepts"/>.</summary>
    public ConceptTree? Tree { get; }

    public ConditionSpace Space { get; private set; }

    /// <summary>The conditions of request <paramref name="requestIndex"/>; asking again gives the same answer.</summary>
    public IReadOnlyDictionary<string, string> Plan(long requestIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestIndex);
        lock (_gate)
        {
            if (Policy == SamplingPolicy.Independent)
            {
                return DrawIndependent(requestIndex);
            }
            while (_planned.Count <= requestIndex)
            {
                _planned.Add(NextLeastCovered());
            }
            return _planned[(int)requestIndex];
        }
    }

    /// <summary>
    /// Dataset-wise decomposition: the conditions of the next request from the coverage and tree as they are now
    /// (least-covered), or drawn for <paramref name="requestIndex"/> (independent). Not remembered by index: the
    /// tree grows between calls, so the caller records each request's plan to reproduce it.
    /// </summary>
    public IReadOnlyDictionary<string, string> PlanNext(long requestIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestIndex);
        lock (_gate)
        {
            return Policy == SamplingPolicy.Independent ? DrawIndependent(requestIndex) : NextLeastCovered();
        }
    }

    /// <summary>Coverage so far of each concept-tree leaf, summed over the other axes; empty without a tree.</summary>
    public IReadOnlyDictionary<string, double> LeafCoverage()
    {
        lock (_gate)
        {
            var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            var axis = Space.Axes.Select((a, i) => (a, i)).FirstOrDefault(x => x.a.IsConceptTree);
            if (axis.a is null)
            {
                return result;
            }

            var coverage = Coverage.Project(Space, Tree, out _);
            for (var c = 0; c < coverage.Length; c++)
            {
                var leaf = axis.a.Values[Space.Decode(c)[axis.i]];
                result[leaf] = (result.TryGetValue(leaf, out var sum) ? sum : 0) + coverage[c];
            }

            return result;
        }
    }

    /// <summary>
    /// Dataset-wise decomposition: grows the concept tree under <paramref name="parentPath"/> and re-plans. Requests
    /// already planned keep their conditions; later ones spread over the new leaves, counting earlier samples of the
    /// parent towards its children. Returns how many concepts were added.
    /// </summary>
    public int AddConcepts(string parentPath, IEnumerable<ConceptNode> children)
    {
        if (Tree is null)
        {
            throw new InvalidOperationException("the job has no concept tree to grow");
        }
        lock (_gate)
        {
            var added = Tree.AddChildren(parentPath, children);
            if (added > 0)
            {
                Space = BuildSpace();
                _queue = null;
            }
            return added;
        }
    }

    private Dictionary<string, string> DrawIndependent(long requestIndex)
    {
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var axis in Space.Axes)
        {
            var u = StableRandom.Uniform(_seed, requestIndex, "condition:" + axis.Name);
            var chosen = axis.Values.Count - 1;
            var cumulative = 0.0;
            for (var i = 0; i < axis.Values.Count; i++)
            {
                cumulative += axis.Shares[i];
                if (u < cumulative)
                {
                    chosen = i;
                    break;
                }
            }
            conditions[axis.Name] = axis.Values[chosen];
        }
        return conditions;
    }

    private IReadOnlyDictionary<string, string> NextLeastCovered()
    {
        if (_queue is null || _coverageVersion != Coverage.Version)
        {
            _coverage = Coverage.Project(Space, Tree, out _);
            _queue = new PriorityQueue<int, (double, int)>(Space.CombinationCount, PriorityComparer.Instance);
            for (var c = 0; c < Space.CombinationCount; c++)
            {
                _queue.Enqueue(c, (Priority(c), c));
            }
        }

        var chosen = _queue.Dequeue();
        var conditions = Space.Conditions(chosen);
        _coverage[chosen] += _samplesPerRequest;
        _queue.Enqueue(chosen, (Priority(chosen), chosen));
        Coverage.Add(conditions, _samplesPerRequest);
        // The planner's own addition is already in its projection; only someone else's change forces a rebuild.
        _coverageVersion = Coverage.Version;
        return conditions;
    }

    private double Priority(int combination) => (_coverage[combination] + 0.5) / Space.TargetShare(combination);

    private ConditionSpace BuildSpace()
    {
        var axes = new List<ConditionAxis>();
        foreach (var dimension in _spec.Dimensions)
        {
            var total = dimension.Values.Sum(v => v.Weight);
            axes.Add(new ConditionAxis(
                dimension.Name,
                dimension.Values.Select(v => v.Value).ToList(),
                dimension.Values.Select(v => v.Weight / total).ToList(),
                IsConceptTree: false));
        }
        if (Tree is not null)
        {
            var leaves = Tree.Leaves();
            axes.Add(new ConditionAxis(Tree.Dimension, leaves.Select(l => l.Path).ToList(), leaves.Select(l => l.Share).ToList(), IsConceptTree: true));
        }
        return new ConditionSpace(axes);
    }

    private sealed class PriorityComparer : IComparer<(double Key, int Combination)>
    {
        public static readonly PriorityComparer Instance = new();

        public int Compare((double Key, int Combination) x, (double Key, int Combination) y)
        {
            var byKey = x.Key.CompareTo(y.Key);
            return byKey != 0 ? byKey : x.Combination.CompareTo(y.Combination);
        }
    }
}
