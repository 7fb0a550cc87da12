namespace Synth.Contracts.Jobs;

/// <summary>
/// Task relevance (docs/curation.md#relevance): calibrated by default — a sample is off-task when its similarity to the
/// support set, or to the job's recent samples, is an outlier below their own similarities.
/// </summary>
public sealed class RelevanceFilterSpec
{
    /// <summary>Null (the default): on when the local embedding model loads. True: required. False: off.</summary>
    public bool? Enabled { get; set; }
    /// <summary>k of the outlier fence: median − k robust standard deviations of the reference's similarities.</summary>
    public double OutlierDeviations { get; set; } = 3;
    /// <summary>
    /// Escalate doubtful samples to the model (the judge's connection, else the generation connection): a sample scoring
    /// below <see cref="EscalateBelow"/> but above the outlier fence is not decided by its score; one short on-task
    /// question is asked and the answer decides. Off when the LLM judge is on (it already rates every passing sample).
    /// </summary>
    public bool Escalate { get; set; } = true;
    /// <summary>The loose fence of escalation: samples scoring below this quantile of the reference's scores are asked.</summary>
    public double EscalateBelow { get; set; } = 0.5;
    /// <summary>Samples the job's running reference needs before it rejects anything (without a support set).</summary>
    public int WarmUp { get; set; } = 50;
    /// <summary>The job's last this-many samples form the running reference.</summary>
    public int Window { get; set; } = 500;
    /// <summary>
    /// An absolute cosine floor to the task description instead of the calibrated fence; off (null) by default, as an
    /// absolute cosine depends on the embedding model and the text length. For a model whose cosines you have measured.
    /// </summary>
    public double? MinRelevance { get; set; }
    /// <summary>With <see cref="MinRelevance"/>: weight of the task description against the sample's condition values.</summary>
    public double TaskWeight { get; set; } = 0.5;
}
