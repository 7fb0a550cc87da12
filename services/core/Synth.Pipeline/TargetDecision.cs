namespace Synth.Pipeline;

/// <summary>What the generator does next for a job's curated target (<see cref="CuratedTarget.Next"/>).</summary>
public sealed record TargetDecision(TargetStep Step, long Requests = 0, string? StopReason = null)
{
    public static readonly TargetDecision Reached = new(TargetStep.Reached);
    public static readonly TargetDecision Wait = new(TargetStep.Wait);

    /// <summary>Plan request indexes up to <paramref name="requests"/> (exclusive).</summary>
    public static TargetDecision Plan(long requests) => new(TargetStep.Plan, requests);

    public static TargetDecision Stop(string reason) => new(TargetStep.Stop, StopReason: reason);
}
