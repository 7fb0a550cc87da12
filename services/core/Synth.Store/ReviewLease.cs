using Synth.Contracts.Samples;

namespace Synth.Store;

public sealed record ReviewLease(SampleDocument Sample, string LeaseToken, DateTimeOffset ExpiresAt);
