namespace Synth.Contracts.Jobs;

/// <summary>
/// The label-refiner stage: model relabelling, the student cross-partition refiner and human review (docs/curation.md).
/// With the section omitted the student runs once it has enough data and low-confidence samples go to review.
/// </summary>
public sealed class LabelRefinementSpec
{
    public LlmRelabelSpec LlmRelabel { get; set; } = new();
    public StudentSpec Student { get; set; } = new();
    public ReviewSpec Review { get; set; } = new();
}

/// <summary>Auxiliary-model relabelling: the model labels the sample k times; the majority's share is the confidence.</summary>
public sealed class LlmRelabelSpec
{
    /// <summary>Off by default: relabelling costs model calls.</summary>
    public bool Enabled { get; set; }
    /// <summary>k: votes (requests) per sample.</summary>
    public int Votes { get; set; } = 3;
    /// <summary>Share of the votes the majority label needs before it replaces a different current label.</summary>
    public double MinAgreement { get; set; } = 0.67;
    /// <summary>Its own model connection; the job's generation connection when omitted.</summary>
    public RelabelModelSpec? Model { get; set; }
    /// <summary>Instruction that replaces the built-in relabel prompt; the text and the label set are appended to it.</summary>
    public string? Prompt { get; set; }
    /// <summary>Most relabel requests for the whole job; unlimited when omitted.</summary>
    public long? MaxRequests { get; set; }
}

/// <summary>The model connection of the relabeller, in the same terms as the generation section.</summary>
public sealed class RelabelModelSpec : ModelCallSpec
{
    /// <summary>
    /// A vote is one label: a shorter timeout, fewer retries and shorter answers than generation's. The temperature
    /// stays above 0 so the k votes can differ: their agreement is the confidence.
    /// </summary>
    public RelabelModelSpec()
        : base(new ModelConnection { TimeoutSeconds = 60, MaxRetries = 3 }, maxOutputTokens: 64)
    {
    }
}

/// <summary>The student: K-fold cross-partition classifier; no model labels data it was trained on.</summary>
public sealed class StudentSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>K: a sample's fold is a stable hash of its id; its model trains on the other K − 1 folds.</summary>
    public int Folds { get; set; } = 5;
    public StudentFeatureSet Features { get; set; } = StudentFeatureSet.Text;
    /// <summary>Fewest labelled samples in the other folds before a fold's model is trained.</summary>
    public int MinTrainingSamples { get; set; } = 100;
    /// <summary>The student's probability at or above which a disagreement is acted on.</summary>
    public double MinConfidence { get; set; } = 0.9;
    public StudentPolicy Policy { get; set; } = StudentPolicy.Relabel;
    /// <summary>A fold's model is retrained once this many more training samples are stored than it was trained on.</summary>
    public int RetrainAfter { get; set; } = 100;
}

public enum StudentFeatureSet
{
    /// <summary>Word 1–2-grams and character 3-grams.</summary>
    Text = 1,
    /// <summary>MiniLM sentence embeddings (computed in-process, offline).</summary>
    Embedding = 2,
    TextAndEmbedding = 3,
}

public enum StudentPolicy
{
    /// <summary>Apply the student's label; the change is recorded with its confidence.</summary>
    Relabel = 1,
    /// <summary>Keep the label; send the sample to review with the student's label as a candidate.</summary>
    Flag = 2,
}

/// <summary>Selective human annotation: the least confident samples, within a budget, go to the review queue.</summary>
public sealed class ReviewSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>A sample whose confidence in its label is below this is a review candidate.</summary>
    public double MaxConfidence { get; set; } = 0.6;
    /// <summary>Most review tasks as a share of the job's refined samples; with <see cref="MaxCount"/> the smaller wins.</summary>
    public double? MaxFraction { get; set; } = 0.1;
    /// <summary>Most review tasks for the job; unlimited when omitted.</summary>
    public int? MaxCount { get; set; }
}
