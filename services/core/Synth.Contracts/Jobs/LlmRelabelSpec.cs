namespace Synth.Contracts.Jobs;

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
