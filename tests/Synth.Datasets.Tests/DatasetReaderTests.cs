using Synth.Contracts.Jobs;
using Synth.Testing;

namespace Synth.Datasets.Tests;

public sealed class DatasetReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-datasets-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Jsonl_fields_are_read_through_the_mapping()
    {
        var records = DatasetReader.Read(new DatasetSpec
        {
            Path = Path.Combine(RepoPaths.Root, "examples", "data", "sentiment-support.jsonl"),
            Fields = new() { ["id"] = "id", ["text"] = "review", ["label"] = "sentiment" },
        });

        Assert.True(records.Count >= 3);
        Assert.Equal("s01", records[0].Id);
        Assert.Equal("The battery lasts two full days and charging is quick.", records[0].Content.Text);
        Assert.Equal("positive", records[0].Content.Label);
        Assert.Equal(1, records[0].Line);
    }

    [Fact]
    public void Csv_handles_quoted_commas_and_line_breaks_and_numbers_lines_by_where_a_row_starts()
    {
        var path = Write("data.csv", "message,intent\n\"Charged twice, please refund.\",billing\n\"Line one\nline two\",support\nplain,other\n");

        var records = DatasetReader.Read(new DatasetSpec { Path = path, Fields = new() { ["text"] = "message", ["label"] = "intent" } });

        Assert.Equal(["Charged twice, please refund.", "Line one\nline two", "plain"], records.Select(r => r.Content.Text));
        Assert.Equal(["billing", "support", "other"], records.Select(r => r.Content.Label));
        Assert.Equal([2L, 3L, 5L], records.Select(r => r.Line));
        Assert.Equal("line-2", records[0].Id);
    }

    [Fact]
    public void Numeric_labels_and_dialogue_turns_are_read()
    {
        var path = Write("d.jsonl", """
            {"text":"good","label":1}
            {"turns":[{"role":"user","text":"hi"},{"role":"assistant","text":"hello"}]}
            """);

        var records = DatasetReader.Read(new DatasetSpec { Path = path });

        Assert.Equal("1", records[0].Content.Label);
        Assert.Equal(["user", "assistant"], records[1].Content.Turns.Select(t => t.Role));
    }

    [Theory]
    [InlineData("{\"text\":\"a\"}\nnot json\n", ":2: not a JSON object")]
    [InlineData("{\"text\":\"a\"}\n[1,2]\n", ":2: a record is a JSON object, not array")]
    [InlineData("{\"text\":\"a\"}\n{\"other\":\"b\"}\n", ":2: no sample field found")]
    [InlineData("{\"text\":{\"nested\":1}}\n", ":1: field 'text': expected a string, got object")]
    [InlineData("{\"id\":\"x\",\"text\":\"a\"}\n{\"id\":\"x\",\"text\":\"b\"}\n", ":2: field 'id': id 'x' repeats the record on line 1")]
    [InlineData("{\"turns\":[{\"role\":\"user\"}]}\n", ":1: field 'turns[0]': a turn is an object with string 'role' and 'text'")]
    public void Bad_jsonl_names_the_file_line_and_field(string body, string expected)
    {
        var path = Write("bad.jsonl", body);

        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(new DatasetSpec { Path = path }));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mapped_field_missing_from_a_record_is_an_error()
    {
        var path = Write("m.jsonl", "{\"review\":\"fine\",\"sentiment\":\"positive\"}\n{\"review\":\"meh\"}\n");

        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(new DatasetSpec
        {
            Path = path,
            Fields = new() { ["text"] = "review", ["label"] = "sentiment" },
        }));

        Assert.Equal(2, error.Line);
        Assert.Equal("sentiment", error.Field);
    }

    [Fact]
    public void A_csv_row_with_the_wrong_number_of_columns_is_an_error()
    {
        var path = Write("c.csv", "text,label\nfine,positive\nonly-one\n");

        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(new DatasetSpec { Path = path }));

        Assert.Contains(":3: row has 1 columns, the header has 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(_folder, "absent.jsonl");

        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(new DatasetSpec { Path = path }));

        Assert.Equal($"{path}: file not found", error.Message);
    }

    private string Write(string name, string body)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, body);
        return path;
    }
}
