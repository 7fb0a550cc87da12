namespace Synth.Contracts.Jobs;

/// <summary>
/// The filter stage: quality filters, deduplication, rank-and-drop and re-weighting (docs/curation.md, "Filter spec").
/// With no section at all: schema/label, length, repetition and refusal filters, exact and near dedup; relevance and
/// semantic dedup when the local embedding model loads; no judge.
/// </summary>
public sealed class FilterSpec
{
    /// <summary>Threshold mode drops what fails a filter; rank-and-drop also drops the worst of what passes.</summary>
    public FilterMode Mode { get; set; } = FilterMode.Threshold;
    public SchemaFilterSpec Schema { get; set; } = new();
    public LengthFilterSpec Length { get; set; } = new();
    public RepetitionFilterSpec Repetition { get; set; } = new();
    public RefusalFilterSpec Refusal { get; set; } = new();
    public BlockListFilterSpec BlockList { get; set; } = new();
    public RelevanceFilterSpec Relevance { get; set; } = new();
    public JudgeFilterSpec Judge { get; set; } = new();
    public DedupSpec Dedup { get; set; } = new();
    public RankAndDropSpec RankAndDrop { get; set; } = new();
    public WeightingSpec Weighting { get; set; } = new();
}

public enum FilterMode
{
    Threshold = 1,
    RankAndDrop = 2,
}

public sealed class SchemaFilterSpec
{
    public bool Enabled { get; set; } = true;
}

/// <summary>Inclusive bounds; an omitted bound is not checked.</summary>
public sealed class LengthFilterSpec
{
    public bool Enabled { get; set; } = true;
    public int? MinChars { get; set; } = 1;
    public int? MaxChars { get; set; } = 20000;
    public int? MinWords { get; set; }
    public int? MaxWords { get; set; }
}

public sealed class RepetitionFilterSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>Word n-gram size of the repeated n-gram ratio.</summary>
    public int Ngram { get; set; } = 3;
    public double MaxRepeatedRatio { get; set; } = 0.3;
}

public sealed class RefusalFilterSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>Start from the built-in list of refusal phrases ("as an AI language model", …).</summary>
    public bool DefaultPhrases { get; set; } = true;
    /// <summary>More phrases, added to the built-in ones.</summary>
    public List<string> Phrases { get; set; } = [];
    /// <summary>Flag samples that echo the task's role, purpose or data description (a prompt leak).</summary>
    public bool DetectPromptLeak { get; set; } = true;
    public int EchoNgram { get; set; } = 4;
    public double MaxEchoShare { get; set; } = 0.5;
}

/// <summary>On when it has terms.</summary>
public sealed class BlockListFilterSpec
{
    public List<string> Terms { get; set; } = [];
}

public sealed class RelevanceFilterSpec
{
    /// <summary>Null (the default): on when the local embedding model loads. True: required. False: off.</summary>
    public bool? Enabled { get; set; }
    public double MinRelevance { get; set; } = 0.15;
    /// <summary>Weight of the task description against the sample's condition values.</summary>
    public double TaskWeight { get; set; } = 0.5;
}

/// <summary>An LLM judge of faithfulness, consistency and grammar, on the job's generation connection unless overridden.</summary>
public sealed class JudgeFilterSpec
{
    public bool Enabled { get; set; }
    public double MinScore { get; set; } = 0.6;
    public List<string> Criteria { get; set; } = ["faithfulness", "consistency", "grammar"];
    /// <summary>Most judge requests for the whole job; after that samples are passed unjudged with a recorded reason.</summary>
    public long MaxRequests { get; set; } = 1000;
    /// <summary>The judge's own model connection and sampling; the job's generation section when omitted.</summary>
    public ModelCallSpec? Connection { get; set; }
}

public sealed class DedupSpec
{
    public bool Exact { get; set; } = true;
    public bool Near { get; set; } = true;
    /// <summary>Null (the default): on when the local embedding model loads. True: required. False: off.</summary>
    public bool? Semantic { get; set; }
    public int ShingleSize { get; set; } = 2;
    public int Bands { get; set; } = 20;
    public int Rows { get; set; } = 5;
    public double JaccardThreshold { get; set; } = 0.7;
    public double SemanticThreshold { get; set; } = 0.95;
    public DedupScope Scope { get; set; } = DedupScope.Job;
    /// <summary>The named dataset-wide index (scope: dataset); it outlives the job.</summary>
    public string? Dataset { get; set; }
}

public enum DedupScope
{
    /// <summary>Duplicates within this job.</summary>
    Job = 1,
    /// <summary>Duplicates within a named dataset shared by every job that names it.</summary>
    Dataset = 2,
}

/// <summary>Rank-and-drop in a stream: keep a sample when its combined score reaches the quantile of recent history.</summary>
public sealed class RankAndDropSpec
{
    /// <summary>The share of passing samples to keep.</summary>
    public double KeepFraction { get; set; } = 0.8;
    /// <summary>How many recent combined scores the cut-off is taken from.</summary>
    public int Window { get; set; } = 200;
    /// <summary>Samples seen before the cut-off applies (until then every passing sample is kept).</summary>
    public int WarmUp { get; set; } = 20;
    /// <summary>Filter name → weight in the combined score; every filter weight 1 when empty.</summary>
    public Dictionary<string, double> Weights { get; set; } = [];
}

/// <summary>Importance of each signal in a kept sample's weight; 0 ignores a signal.</summary>
public sealed class WeightingSpec
{
    public double JudgeConfidence { get; set; } = 1;
    public double Novelty { get; set; } = 1;
    /// <summary>Raw weight of a sample whose signals are all 0, in (0, 1].</summary>
    public double Floor { get; set; } = 0.2;
    /// <summary>How many recent kept samples' raw weights the stream-time normalisation averages.</summary>
    public int Window { get; set; } = 200;
}
