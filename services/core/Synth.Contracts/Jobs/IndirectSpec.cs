namespace Synth.Contracts.Jobs;

/// <summary>Train a downstream classifier on the curated samples and score it on a real benchmark's test split.</summary>
public sealed class IndirectSpec
{
    public BenchmarkKind Benchmark { get; set; } = BenchmarkKind.UciSentiment;
    /// <summary>Folder infra/data/fetch-datasets.sh filled, for the built-in benchmarks.</summary>
    public string DataFolder { get; set; } = "data/benchmarks";
    /// <summary>uci-sentiment: the source (amazon, imdb, yelp) that is the test split; the other two are the real training data.</summary>
    public string TestSource { get; set; } = "yelp";
    /// <summary>file: the user's CSV or JSONL benchmark.</summary>
    public string? File { get; set; }
    public string TextField { get; set; } = "text";
    public string LabelField { get; set; } = "label";
    /// <summary>spam-assassin and file: the share of each label held out as the test split.</summary>
    public double TestFraction { get; set; } = 0.2;
    /// <summary>Shares of the synthetic set the learning curve trains on besides the whole of it.</summary>
    public List<double> LearningCurve { get; set; } = [0.1, 0.25, 0.5];
    public int Seed { get; set; }
}
