namespace Synth.Contracts.Jobs;

public enum BenchmarkKind
{
    /// <summary>UCI Sentiment Labelled Sentences (labels negative, positive).</summary>
    UciSentiment = 1,
    /// <summary>SpamAssassin (labels ham, spam).</summary>
    SpamAssassin = 2,
    /// <summary>The user's CSV or JSONL file.</summary>
    File = 3,
}
