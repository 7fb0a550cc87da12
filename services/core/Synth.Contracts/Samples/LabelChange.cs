namespace Synth.Contracts.Samples;

/// <summary>One label change; the previous label is kept so the history is complete.</summary>
public sealed class LabelChange
{
    public string? From { get; init; }
    public required string To { get; init; }
    /// <summary>How the label came to be.</summary>
    public required LabelMethod Method { get; init; }
    /// <summary>Who or what: a model name or a reviewer id.</summary>
    public string? By { get; init; }
    public double? Confidence { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset At { get; init; }
}
