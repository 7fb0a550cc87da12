namespace Synth.Evaluation.Downstream.Tests;

public sealed class BenchmarkLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-benchmark-tests-").FullName;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_CSV_benchmark_reads_quoted_commas_quotes_and_newlines()
    {
        var path = Write("b.csv", "label,text\npos,\"good, really \"\"good\"\"\"\nneg,\"bad\nvery bad\"\npos,fine\nneg,poor\n");

        var benchmark = Benchmarks.UserFile(path, "text", "label", 0.5, seed: 1);

        var all = benchmark.Train.Concat(benchmark.Test).ToList();
        Assert.Equal(4, all.Count);
        Assert.Contains(all, r => r.Text == "good, really \"good\"" && r.Label == "pos");
        Assert.Contains(all, r => r.Text == "bad\nvery bad" && r.Label == "neg");
        // Half of each label goes to test.
        Assert.Equal(["neg", "pos"], benchmark.Test.Select(t => t.Label).Order());
    }

    [Fact]
    public void Bad_input_names_the_file_line_and_field()
    {
        var jsonl = Write("b.jsonl", "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\"}\n");
        var csv = Write("c.csv", "text,label\na,x\nb\n");
        var header = Write("d.csv", "body,label\na,x\n");

        Assert.Equal($"{jsonl}:2: field 'label' is missing or not a string.",
            Assert.Throws<BenchmarkDataException>(() => Benchmarks.UserFile(jsonl, "text", "label", 0.5, 1)).Message);
        Assert.Equal($"{csv}:3: 1 columns, the header has 2.",
            Assert.Throws<BenchmarkDataException>(() => Benchmarks.UserFile(csv, "text", "label", 0.5, 1)).Message);
        Assert.Contains("d.csv:1: the header has no column 'text' (columns: body, label)",
            Assert.Throws<BenchmarkDataException>(() => Benchmarks.UserFile(header, "text", "label", 0.5, 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_built_in_data_says_how_to_fetch_it()
    {
        var uci = Assert.Throws<BenchmarkDataException>(() => Benchmarks.UciSentiment(_folder, "yelp"));
        var spam = Assert.Throws<BenchmarkDataException>(() => Benchmarks.SpamAssassin(_folder, 0.2, 1));
        var user = Assert.Throws<BenchmarkDataException>(() => Benchmarks.UserFile(Path.Combine(_folder, "none.csv"), "text", "label", 0.2, 1));

        Assert.Contains("bash infra/data/fetch-datasets.sh", uci.Message, StringComparison.Ordinal);
        Assert.Contains("uci-sentiment", uci.Message, StringComparison.Ordinal);
        Assert.Contains("bash infra/data/fetch-datasets.sh", spam.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch-datasets", user.Message, StringComparison.Ordinal);
        Assert.Contains("none.csv", user.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
