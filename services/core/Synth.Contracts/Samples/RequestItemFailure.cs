namespace Synth.Contracts.Samples;

/// <summary>One item of a model's answer that could not be turned into a sample: counted and kept, never dropped.</summary>
public sealed class RequestItemFailure
{
    /// <summary>Position of the item in the answer; null when the answer as a whole could not be read.</summary>
    public int? ItemIndex { get; init; }
    public required string Reason { get; init; }
    public required string Raw { get; init; }
}
