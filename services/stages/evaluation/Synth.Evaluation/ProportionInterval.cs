namespace Synth.Evaluation;

/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
public sealed record ProportionInterval(double Estimate, double Low, double High, long Successes, long Trials);
