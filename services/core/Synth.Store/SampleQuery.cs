using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

public sealed record SampleQuery
{
    public required string JobId { get; init; }
    /// <summary>Only samples in one of these states; all states when empty.</summary>
    public IReadOnlyList<SampleState> States { get; init; } = [];
    public string? Label { get; init; }
    public string? AfterId { get; init; }
    public int Limit { get; init; } = 100;
}
