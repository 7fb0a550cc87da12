namespace Synth.Contracts.Jobs;

/// <summary>The evaluator: streaming metrics, feedback to the generator, report and export (docs/evaluation.md).</summary>
public sealed class EvaluationSpec
{
    /// <summary>Measure embedding-based metrics (novelty, pairwise similarity) with the local MiniLM model.</summary>
    public bool Embeddings { get; set; } = true;
    /// <summary>Past samples each new one is compared with for novelty (a uniform reservoir of the job's samples).</summary>
    public int NoveltyReservoir { get; set; } = 2000;
    /// <summary>Mean pairwise cosine similarity is sampled until its error is at most this (with <see cref="SimilarityConfidence"/>).</summary>
    public double SimilarityHalfWidth { get; set; } = 0.02;
    public double SimilarityConfidence { get; set; } = 0.95;
    /// <summary>Leader clustering of the embeddings: a sample joins a cluster whose leader's cosine similarity to it is at least this.</summary>
    public double ClusterSimilarity { get; set; } = 0.7;
    public FeedbackSpec Feedback { get; set; } = new();
    public ExportSpec Export { get; set; } = new();
    /// <summary>Indirect evaluation on a real benchmark (text classification); off when omitted.</summary>
    public IndirectSpec? Indirect { get; set; }
    /// <summary>An LLM judge's faithfulness verdicts on a random sample sized for a target interval, run with the report.</summary>
    public FaithfulnessSpec Faithfulness { get; set; } = new();
}

/// <summary>Faithfulness judged by an LLM on a seeded random sample of the curated samples, with human reviews folded in.</summary>
public sealed class FaithfulnessSpec
{
    public bool Enabled { get; set; }
    /// <summary>Target half-width of the interval; with <see cref="Confidence"/> it sizes the sample.</summary>
    public double MarginOfError { get; set; } = 0.05;
    public double Confidence { get; set; } = 0.95;
    /// <summary>Most judge calls per report, whatever the margin asks for.</summary>
    public long MaxJudgements { get; set; } = 500;
    /// <summary>Model name to judge with instead of the filter judge's (or the generation's) model on the same connection.</summary>
    public string? Model { get; set; }
    /// <summary>Instructions replacing the default faithfulness question; the sample, its label and the answer format are appended.</summary>
    public string? Prompt { get; set; }
}

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

public enum BenchmarkKind
{
    /// <summary>UCI Sentiment Labelled Sentences (labels negative, positive).</summary>
    UciSentiment = 1,
    /// <summary>SpamAssassin (labels ham, spam).</summary>
    SpamAssassin = 2,
    /// <summary>The user's CSV or JSONL file.</summary>
    File = 3,
}

/// <summary>How often an evaluator instance publishes a job's coverage and novelty to the generator.</summary>
public sealed class FeedbackSpec
{
    /// <summary>Publish after this many newly evaluated samples of the job.</summary>
    public int EverySamples { get; set; } = 50;
    /// <summary>Publish at least this often while the job's samples arrive, even when fewer than everySamples came.</summary>
    public double EverySeconds { get; set; } = 10;
}

/// <summary>The curated dataset's split into train/validation/test, by a seeded hash of each sample's id.</summary>
public sealed class ExportSpec
{
    public double TrainFraction { get; set; } = 0.8;
    public double ValidationFraction { get; set; } = 0.1;
    public double TestFraction { get; set; } = 0.1;
    /// <summary>Seeds the split hash: the same seed always puts a sample in the same split.</summary>
    public int Seed { get; set; }
}
