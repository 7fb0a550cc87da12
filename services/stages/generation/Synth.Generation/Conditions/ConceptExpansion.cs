using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Synth.Contracts.Jobs;
using Synth.Generation.Parsing;

namespace Synth.Generation.Conditions;

/// <summary>
/// Dataset-wise decomposition as pure steps: which leaves of a grown tree are due to be split, the prompt asking the
/// model for a node's sub-topics with its structured-output schema, and reading the answer (repaired like sample
/// output). The caller owns the model call and the stored result.
/// </summary>
public static class ConceptExpansion
{
    /// <summary>Id of the expansion prompt, recorded with each stored expansion.</summary>
    public const string TemplateId = "builtin:concept-expansion/v1";

    /// <summary>
    /// The nodes to ask sub-topics for, most covered first (ties by path): an empty tree's root (""), then every leaf
    /// above <see cref="ConceptTree.MaxDepth"/> whose coverage reached <paramref name="expandAfter"/>, except those in
    /// <paramref name="settled"/> (expanded, failed or being expanded).
    /// </summary>
    public static IReadOnlyList<string> Due(ConceptTree tree, IReadOnlyDictionary<string, double> leafCoverage, int expandAfter, IReadOnlySet<string> settled)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(leafCoverage);
        ArgumentNullException.ThrowIfNull(settled);
        ArgumentOutOfRangeException.ThrowIfLessThan(expandAfter, 1);
        var leaves = tree.Leaves();
        if (leaves.Count == 0)
        {
            return settled.Contains("") ? [] : [""];
        }

        return
        [
            .. leaves
                .Where(leaf => Depth(leaf.Path) < tree.MaxDepth && !settled.Contains(leaf.Path))
                .Select(leaf => (leaf.Path, Coverage: leafCoverage.TryGetValue(leaf.Path, out var c) ? c : 0))
                .Where(leaf => leaf.Coverage >= expandAfter)
                .OrderByDescending(leaf => leaf.Coverage)
                .ThenBy(leaf => leaf.Path, StringComparer.Ordinal)
                .Select(leaf => leaf.Path),
        ];
    }

    /// <summary>Top-level topics are depth 1; the root ("") is depth 0.</summary>
    public static int Depth(string path) => path.Length == 0 ? 0 : path.Count(c => c == ConceptTree.PathSeparator) + 1;

    /// <summary>The prompt asking for <paramref name="count"/> sub-topics of <paramref name="nodePath"/>.</summary>
    public static string Prompt(TaskSpec task, string nodePath, IReadOnlyList<string> siblings, int count)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(nodePath);
        ArgumentNullException.ThrowIfNull(siblings);
        var text = new StringBuilder();
        text.Append("We are building a training dataset. Each sample is: ").Append(task.DataDescription.Trim()).Append('\n');
        if (!string.IsNullOrWhiteSpace(task.Purpose))
        {
            text.Append("The dataset's purpose: ").Append(task.Purpose.Trim()).Append('\n');
        }

        text.Append("To cover the domain evenly, its topics are split into a tree of sub-topics.\n");
        if (nodePath.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Propose {count} distinct top-level topics for this dataset.\n");
        }
        else
        {
            text.Append("Topic path: ").Append(nodePath.Replace(ConceptTree.PathSeparator.ToString(), " > ", StringComparison.Ordinal)).Append('\n');
            if (siblings.Count > 0)
            {
                text.Append("Its sibling topics (do not repeat them): ").AppendJoin(", ", siblings).Append('\n');
            }

            text.Append(CultureInfo.InvariantCulture, $"Propose {count} distinct, narrower sub-topics of the last topic in the path.\n");
        }

        text.Append("Each name is short (a few words), contains no '/', and differs from the others. ")
            .Append("A weight (a positive number, default 1) says how large a share of the data the sub-topic deserves.\n")
            .Append("Answer with JSON only: {\"topics\": [{\"name\": \"...\", \"weight\": 1}]}");
        return text.ToString();
    }

    /// <summary>The structured-output schema of the answer.</summary>
    public static JsonElement Schema(int count) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["topics"] = new JsonObject
            {
                ["type"] = "array",
                ["minItems"] = 1,
                ["maxItems"] = count,
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["weight"] = new JsonObject { ["type"] = "number" } },
                    ["required"] = new JsonArray("name"),
                },
            },
        },
        ["required"] = new JsonArray("topics"),
    });

    /// <summary>
    /// Reads the model's answer: a <c>{"topics": [...]}</c> object, a bare array, items as objects or plain strings,
    /// with the same repairs as sample output (code fence, prose around it, trailing commas, truncation keeps the
    /// complete items). Blank names, names with '/', repeats and non-positive weights are left out; at most
    /// <paramref name="count"/> are kept.
    /// </summary>
    public static ConceptProposal Parse(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        var repairs = new List<string>();
        var body = text;
        var fence = OutputParser.Fence().Match(text);
        if (fence.Success)
        {
            body = fence.Groups["body"].Value;
            repairs.Add("code-fence");
        }

        var (json, error) = OutputParser.ReadFirstValue(body, repairs);
        if (json is null)
        {
            return new ConceptProposal([], repairs, OutputParser.Refusal().IsMatch(text)
                ? "refusal: the model declined to propose sub-topics"
                : $"no JSON in the answer{(error is null ? "" : $" ({error})")}");
        }

        repairs.AddRange(json.Repairs.Where(r => !repairs.Contains(r)));
        if (json.Truncated)
        {
            repairs.Add("truncated");
        }

        var items = json.Root switch
        {
            JsonArray array => array,
            JsonObject obj => obj.FirstOrDefault(p => p.Value is JsonArray).Value as JsonArray,
            _ => null,
        };
        if (items is null)
        {
            return new ConceptProposal([], repairs, "the answer holds no list of topics");
        }

        var topics = new List<ConceptNode>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // A cut-off last item is not among the items (the reader keeps complete ones only).
        foreach (var item in items)
        {
            var (name, weight) = item switch
            {
                JsonValue value when value.TryGetValue<string>(out var s) => (s, 1.0),
                JsonObject obj => (obj["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null,
                    obj["weight"] is JsonValue w && w.GetValueKind() == JsonValueKind.Number
                        && double.TryParse(w.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 1.0),
                _ => (null, 1.0),
            };
            name = name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Contains(ConceptTree.PathSeparator, StringComparison.Ordinal) || weight <= 0 || !double.IsFinite(weight) || !names.Add(name))
            {
                continue;
            }

            topics.Add(new ConceptNode { Name = name, Weight = weight });
            if (topics.Count == count)
            {
                break;
            }
        }

        return topics.Count == 0
            ? new ConceptProposal([], repairs, "no usable sub-topic in the answer (each needs a name without '/', not repeated)")
            : new ConceptProposal(topics, repairs, null);
    }
}
