using System.Globalization;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Datasets;

/// <summary>
/// Reads a <see cref="DatasetSpec"/>'s JSONL or CSV file. Each sample field (text, label, question, …) is read from
/// the file field the spec maps it to, or from the field of its own name; a record with none of them is an error,
/// as are malformed lines, wrong value types and duplicate ids — all named by file, line and field.
/// </summary>
public static class DatasetReader
{
    /// <exception cref="DatasetException">The file is missing or a record is malformed.</exception>
    public static IReadOnlyList<DatasetRecord> Read(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!File.Exists(spec.Path))
        {
            throw new DatasetException(spec.Path, null, null, "file not found");
        }

        var format = spec.Format ?? FormatOf(spec.Path);
        var records = format == DatasetFormat.Csv ? ReadCsv(spec) : ReadJsonl(spec);
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!seen.TryAdd(record.Id, record.Line))
            {
                throw new DatasetException(spec.Path, record.Line, FileField(spec, "id"), $"id '{record.Id}' repeats the record on line {seen[record.Id]}");
            }
        }

        return records;
    }

    public static DatasetFormat FormatOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => DatasetFormat.Csv,
        ".jsonl" or ".ndjson" => DatasetFormat.Jsonl,
        var other => throw new DatasetException(path, null, null, $"cannot tell the format from extension '{other}'; set format: jsonl or csv"),
    };

    private static string FileField(DatasetSpec spec, string sampleField) =>
        spec.Fields.TryGetValue(sampleField, out var mapped) ? mapped : sampleField;

    private static List<DatasetRecord> ReadJsonl(DatasetSpec spec)
    {
        var records = new List<DatasetRecord>();
        long lineNumber = 0;
        foreach (var line in File.ReadLines(spec.Path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DatasetException(spec.Path, lineNumber, null, $"not a JSON object: {e.Message}");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetException(spec.Path, lineNumber, null, $"a record is a JSON object, not {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            records.Add(ToRecord(spec, lineNumber, field => root.TryGetProperty(field, out var value) ? value : null));
        }

        return records;
    }

    private static List<DatasetRecord> ReadCsv(DatasetSpec spec)
    {
        var records = new List<DatasetRecord>();
        using var parser = new TextFieldParser(spec.Path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        string[] header;
        try
        {
            header = parser.ReadFields() ?? throw new DatasetException(spec.Path, 1, null, "empty file: the first line must name the columns");
        }
        catch (MalformedLineException e)
        {
            throw new DatasetException(spec.Path, e.LineNumber, null, "malformed header line");
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            // Excel writes a byte-order mark before the first column name.
            columns.TryAdd(header[i].Trim().TrimStart('\uFEFF'), i);
        }

        while (!parser.EndOfData)
        {
            var line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                throw new DatasetException(spec.Path, e.LineNumber, null, "malformed CSV row (an unclosed quote?)");
            }

            if (fields is null || fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (fields.Length != header.Length)
            {
                throw new DatasetException(spec.Path, line, null, $"row has {fields.Length} columns, the header has {header.Length}");
            }

            records.Add(ToRecord(spec, line, column => columns.TryGetValue(column, out var i)
                ? JsonSerializer.SerializeToElement(fields[i])
                : null));
        }

        return records;
    }

    private static DatasetRecord ToRecord(DatasetSpec spec, long line, Func<string, JsonElement?> valueOf)
    {
        var content = new SampleContent();
        var filled = 0;
        string? id = null;
        foreach (var sampleField in ContentFields.RecordFields)
        {
            var fileField = FileField(spec, sampleField);
            if (valueOf(fileField) is not { } value || value.ValueKind is JsonValueKind.Null)
            {
                if (spec.Fields.ContainsKey(sampleField))
                {
                    throw new DatasetException(spec.Path, line, fileField, $"missing (mapped to sample field '{sampleField}')");
                }

                continue;
            }

            if (sampleField == "turns")
            {
                content.Turns = Turns(spec, line, fileField, value);
                filled++;
                continue;
            }

            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                // Labels are often written as 0/1 or true/false.
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => throw new DatasetException(spec.Path, line, fileField, $"expected a string, got {value.ValueKind.ToString().ToLowerInvariant()}"),
            };
            if (sampleField == "id")
            {
                id = text.Trim();
                if (id.Length == 0)
                {
                    throw new DatasetException(spec.Path, line, fileField, "empty id");
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            ContentFields.Set(content, sampleField, text.Trim());
            filled++;
        }

        if (filled == 0)
        {
            throw new DatasetException(spec.Path, line, null,
                $"no sample field found; expected one of {string.Join(", ", ContentFields.RecordFields.Skip(1).Select(f => FileField(spec, f)))} (map others under 'fields')");
        }

        return new DatasetRecord(id ?? string.Create(CultureInfo.InvariantCulture, $"line-{line}"), content, line);
    }

    private static List<DialogueTurn> Turns(DatasetSpec spec, long line, string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            // A CSV cell holds the turns as a JSON array.
            try
            {
                using var document = JsonDocument.Parse(value.GetString()!);
                value = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new DatasetException(spec.Path, line, field, "expected a JSON array of {role, text} turns");
            }
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new DatasetException(spec.Path, line, field, "expected an array of {role, text} turns");
        }

        var turns = new List<DialogueTurn>();
        var index = 0;
        foreach (var turn in value.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object
                || !turn.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !turn.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new DatasetException(spec.Path, line, $"{field}[{index}]", "a turn is an object with string 'role' and 'text'");
            }

            turns.Add(new DialogueTurn { Role = role.GetString()!, Text = text.GetString()! });
            index++;
        }

        return turns;
    }
}
