namespace Synth.Contracts.Samples;

/// <summary>One stage's verdict on a sample, with the scores and the reason behind it.</summary>
public sealed class StageDecision
{
    public required Stage Stage { get; init; }
    public required SampleState Outcome { get; init; }
    public Dictionary<string, double> Scores { get; set; } = [];
    public string? Reason { get; set; }
    /// <summary>Which service instance decided (host/process), for debugging scale-out.</summary>
    public string? DecidedBy { get; set; }
    public string? TraceId { get; set; }
    public string? SpanId { get; set; }
    public DateTimeOffset At { get; set; }
}
