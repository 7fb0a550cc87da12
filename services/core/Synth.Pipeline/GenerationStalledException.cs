namespace Synth.Pipeline;

/// <summary>
/// Thrown by <see cref="GeneratorWorker.RunAsync"/> when it has waited <see cref="GeneratorOptions.StallTimeout"/> for
/// the stages with nothing happening to the job (no request recorded, no sample decided): no stage consumes its
/// samples. The control plane pauses the job with <see cref="Exception.Message"/> as the reason; resuming waits again.
/// </summary>
public sealed class GenerationStalledException(string jobId, TimeSpan waited, long undecided)
    : Exception($"generation stalled: no sample of job '{jobId}' was decided for {waited} and {undecided} wait for a stage; is every stage running?");
