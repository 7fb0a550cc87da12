using System.Text.Json;
using System.Text.RegularExpressions;

namespace Synth.Testing;

/// <summary>One real labelled sentence: its source data set and its class (UCI: 0 negative, 1 positive).</summary>
public sealed record LabelledSentence(string Source, string Text, int Class);

/// <summary>
/// Real text from the data sets <see cref="BenchmarkData"/> fetches: the UCI Sentiment Labelled Sentences (on-task
/// reviews) and lines of SpamAssassin email bodies (off-task prose).
/// </summary>
public static partial class RealText
{
    /// <summary>The labelled sentences of the given UCI sources (amazon, imdb, yelp), in file order.</summary>
    public static IReadOnlyList<LabelledSentence> UciSentences(params string[] sources)
    {
        var sentences = new List<LabelledSentence>();
        foreach (var source in sources)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(BenchmarkData.Folder, "uci-sentiment", source + ".json")));
            foreach (var item in document.RootElement.EnumerateArray())
            {
                // Each file ends with an empty {"text": "", "class": null} record.
                if (item.GetProperty("class").ValueKind == JsonValueKind.Number)
                {
                    sentences.Add(new LabelledSentence(source, item.GetProperty("text").GetString()!.Trim(), item.GetProperty("class").GetInt32()));
                }
            }
        }

        return sentences;
    }

    /// <summary>
    /// Up to <paramref name="count"/> prose lines (6–30 words, no addresses, links or quoting) from the bodies of
    /// SpamAssassin's ham and spam emails, distinct, in file order.
    /// </summary>
    public static IReadOnlyList<string> EmailLines(int count)
    {
        var lines = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var folder = Path.Combine(BenchmarkData.Folder, "spam-assassin");
        foreach (var file in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal).SelectMany(group => Directory.EnumerateFiles(group, "*.json").Order(StringComparer.Ordinal)))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var text = document.RootElement.GetProperty("text").GetString() ?? "";
            var bodyStart = text.IndexOf("\n\n", StringComparison.Ordinal);
            foreach (var raw in text[(bodyStart < 0 ? 0 : bodyStart)..].Split('\n'))
            {
                var line = raw.Trim();
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                if (words is >= 6 and <= 30 && Prose().IsMatch(line) && seen.Add(line))
                {
                    lines.Add(line);
                    if (lines.Count == count)
                    {
                        return lines;
                    }
                }
            }
        }

        return lines;
    }

    // Letters, digits, spaces and ordinary punctuation only: no '@', '<', '>', '=', '|', URLs or markup.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9 ,.;:'!?()\-]+$")]
    private static partial Regex Prose();
}
