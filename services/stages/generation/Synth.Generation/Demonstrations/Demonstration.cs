using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Generation.Demonstrations;

/// <summary>A support-set record usable as an in-context example, with its embedding (computed elsewhere).</summary>
public sealed record Demonstration(string Id, SampleContent Content, float[] Embedding)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        // A prompt is read by a model, not embedded in HTML: apostrophes and accents stay as written.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// The demo as the prompt shows it: one JSON object in the shape the model must answer in. Token budgets count
    /// this exact text, so the budget holds for what the prompt really contains.
    /// </summary>
    public string PromptText { get; } = ToPromptText(Content);

    private static string ToPromptText(SampleContent content)
    {
        var node = JsonSerializer.SerializeToNode(content, JsonOptions)!.AsObject();
        if (content.Turns.Count == 0)
        {
            node.Remove("turns");
        }
        return node.ToJsonString(JsonOptions);
    }
}
