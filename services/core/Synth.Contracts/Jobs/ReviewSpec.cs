namespace Synth.Contracts.Jobs;

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
