using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Parsing;

/// <summary>Turns a model's text into sample contents for the task type, repairing common breakage and validating each item.</summary>
public static partial class OutputParser
{
    // Properties under which a model (or the structured-output schema) wraps the list of samples.
    private static readonly string[] WrapperNames = ["samples", "items", "data", "results", "examples"];

    private const int MaxStartTries = 16;

    /// <param name="input">For annotation: the record being annotated. Its fields are kept as they are and need not be in the answer.</param>
    public static ParseResult Parse(string text, TaskSpec task, SampleContent? input = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(task);
        var repairs = new List<string>();
        var body = text;
        var fence = Fence().Match(text);
        if (fence.Success)
        {
            body = fence.Groups["body"].Value;
            repairs.Add("code-fence");
        }

        var (json, error) = ReadFirstValue(body, repairs);
        if (json is null)
        {
            var refused = Refusal().IsMatch(text);
            var reason = refused ? "refusal: the model declined to answer" : $"no JSON in the answer{(error is null ? "" : $" ({error})")}";
            return new ParseResult([], [new ParseFailure(null, reason, text)], repairs, Truncated: false, Refused: refused, text);
        }

        repairs.AddRange(json.Repairs.Where(r => !repairs.Contains(r)));
        var (items, cutStart, isList) = Items(json, task);
        var drafts = new List<ParsedDraft>();
        var failures = new List<ParseFailure>();
        for (var i = 0; i < items.Count; i++)
        {
            var (content, reason) = Validate(items[i], task, input);
            if (content is not null)
            {
                drafts.Add(new ParsedDraft(i, content));
            }
            else
            {
                failures.Add(new ParseFailure(i, reason!, items[i]?.ToJsonString() ?? "null"));
            }
        }

        var truncated = json.Truncated;
        if (truncated)
        {
            repairs.Add("truncated");
            if (cutStart is { } start)
            {
                failures.Add(new ParseFailure(items.Count, "truncated: the answer ends inside this item", json.Slice(start, body.Length)));
            }
            else if (!isList)
            {
                // The answer was one object, cut off: whatever fields it got, it is not a trustworthy sample.
                failures.Clear();
                drafts.Clear();
                failures.Add(new ParseFailure(0, "truncated: the answer ends inside the sample", body));
            }
        }
        if (drafts.Count == 0 && failures.Count == 0)
        {
            failures.Add(new ParseFailure(null, "the answer holds no samples", text));
        }
        return new ParseResult(drafts, failures, repairs, truncated, Refused: false, text);
    }

    internal static (LenientJson? Json, string? Error) ReadFirstValue(string body, List<string> repairs)
    {
        string? error = null;
        // Prose may itself contain a bracket ("[1]"): try each opening bracket until one starts a readable value. A
        // few tries cover prose; trying every bracket of a long garbled answer would be quadratic.
        var tries = 0;
        for (var start = body.IndexOfAny(['{', '[']); start >= 0 && tries < MaxStartTries; start = body.IndexOfAny(['{', '['], start + 1), tries++)
        {
            try
            {
                var json = LenientJson.Read(body, start);
                if (json.Root is JsonObject or JsonArray)
                {
                    if (!string.IsNullOrWhiteSpace(body[..start]))
                    {
                        repairs.Add("leading-prose");
                    }
                    return (json, null);
                }
            }
            catch (LenientJsonException e)
            {
                error ??= e.Message;
            }
        }
        return (null, error);
    }

    /// <summary>The sample items: a bare array, a wrapper object's array, or a single sample object.</summary>
    private static (List<JsonNode?> Items, int? CutStart, bool IsList) Items(LenientJson json, TaskSpec task)
    {
        if (json.Root is JsonArray array)
        {
            return ([.. array], json.CutElementStart(array), true);
        }
        var obj = (JsonObject)json.Root!;
        if (!LooksLikeSample(obj, task))
        {
            var wrapped = obj.FirstOrDefault(p => WrapperNames.Contains(p.Key, StringComparer.OrdinalIgnoreCase) && p.Value is JsonArray);
            if (wrapped.Value is null && obj.Count == 1 && obj.First().Value is JsonArray)
            {
                wrapped = obj.First();
            }
            if (wrapped.Value is JsonArray inner)
            {
                return ([.. inner], json.CutElementStart(inner), true);
            }
        }
        return ([obj], null, false);
    }

    private static bool LooksLikeSample(JsonObject obj, TaskSpec task) =>
        OutputSchemas.RequiredFields(task.Type).Any(f => Find(obj, f) is not null);

    private static (SampleContent? Content, string? Reason) Validate(JsonNode? item, TaskSpec task, SampleContent? input)
    {
        if (item is not JsonObject obj)
        {
            return (null, $"item is not a JSON object but {(item is null ? "null" : item.GetValueKind().ToString().ToLowerInvariant())}");
        }
        var content = new SampleContent();
        foreach (var field in new[] { "text", "label", "instruction", "input", "response", "context", "question", "answer", "rationale" })
        {
            var given = input is null ? null : ContentFields.Get(input, field);
            if (!string.IsNullOrWhiteSpace(given))
            {
                ContentFields.Set(content, field, given);
                continue;
            }
            var node = Find(obj, field);
            if (node is null)
            {
                continue;
            }
            if (node is not JsonValue value)
            {
                return (null, $"field '{field}' is not a string");
            }
            ContentFields.Set(content, field, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
        }

        if (task.Type == TaskType.Dialogue)
        {
            var turnsError = ReadTurns(Find(obj, "turns"), content);
            if (turnsError is not null)
            {
                return (null, turnsError);
            }
        }

        var missing = OutputSchemas.RequiredFields(task.Type).Where(f => !ContentFields.Has(content, f)).ToList();
        if (missing.Count > 0)
        {
            return (null, $"missing required field{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }
        if (task.Type == TaskType.TextClassification && task.Labels.Count > 0)
        {
            var label = task.Labels.FirstOrDefault(l => string.Equals(l.Name, content.Label!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (label is null)
            {
                return (null, $"label '{content.Label}' is not one of {string.Join(", ", task.Labels.Select(l => l.Name))}");
            }
            content.Label = label.Name;
        }
        return (content, null);
    }

    private static string? ReadTurns(JsonNode? node, SampleContent content)
    {
        if (node is not JsonArray turns)
        {
            return node is null ? null : "field 'turns' is not a list";
        }
        for (var i = 0; i < turns.Count; i++)
        {
            if (turns[i] is not JsonObject turn
                || Find(turn, "role") is not JsonValue role
                || (Find(turn, "text") ?? Find(turn, "content")) is not JsonValue text)
            {
                return $"turn {i} needs a 'role' and a 'text'";
            }
            var roleName = role.ToString().Trim().ToLowerInvariant();
            var expected = i % 2 == 0 ? "user" : "assistant";
            if (roleName != expected)
            {
                return $"turn {i} is by '{roleName}' but should be by '{expected}' (user first, then alternating)";
            }
            content.Turns.Add(new DialogueTurn { Role = roleName, Text = text.ToString() });
        }
        return turns.Count < 2 ? "a dialogue needs at least 2 turns" : null;
    }

    private static JsonNode? Find(JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    // The content of the first fenced block; an unclosed fence (a cut-off answer) runs to the end.
    [GeneratedRegex(@"```[a-zA-Z0-9_-]*[ \t]*\r?\n?(?<body>.*?)(```|\z)", RegexOptions.Singleline)]
    internal static partial Regex Fence();

    [GeneratedRegex(@"^\W*(I['’]m sorry|I am sorry|I apologi[sz]e|Sorry,|I can(?:['’]t|not)|I won['’]t|I['’]m (?:not able|unable)|I am (?:not able|unable)|As an AI)", RegexOptions.IgnoreCase)]
    internal static partial Regex Refusal();
}
