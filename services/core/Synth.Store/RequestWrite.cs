using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>A request of <see cref="ISampleStore.SaveRequestsAsync"/>: its ledger record and the samples it produced, stored together.</summary>
public sealed record RequestWrite(RequestRecord Request, IReadOnlyList<SampleDocument> Samples);
