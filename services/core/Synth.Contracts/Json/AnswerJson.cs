using System.Globalization;
using System.Text.Json;

namespace Synth.Contracts.Json;

/// <summary>
/// The JSON object inside a judge model's answer. Models often wrap it in a code fence or a sentence; the outermost
/// braces are what counts. Problems are described without quoting the answer.
/// </summary>
public static class AnswerJson
{
    /// <returns>The parsed object (the caller disposes it), or null with <paramref name="problem"/> saying why.</returns>
    public static JsonDocument? ParseObject(string? answer, out string? problem)
    {
        var text = answer?.Trim() ?? "";
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (start < 0 || end < start)
        {
            problem = "the judge's answer holds no JSON object";
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(text[start..(end + 1)]);
            problem = null;
            return document;
        }
        catch (JsonException e)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the judge's answer is not valid JSON (line {e.LineNumber}, position {e.BytePositionInLine})");
            return null;
        }
    }

    /// <summary>A property of an object by name, ignoring case (judges vary it); default when absent.</summary>
    public static JsonElement Property(JsonElement value, string name) =>
        value.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
