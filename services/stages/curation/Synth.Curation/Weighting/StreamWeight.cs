namespace Synth.Curation.Weighting;

/// <param name="Raw">floor + (1 − floor)·m, as in <see cref="Reweighter"/>.</param>
/// <param name="Weight">Raw over the mean raw weight of the recent window, this sample included.</param>
public sealed record StreamWeight(double Raw, double Weight);
