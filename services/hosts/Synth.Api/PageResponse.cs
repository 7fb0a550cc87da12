using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

public sealed record PageResponse<T>(IReadOnlyList<T> Items, string? NextAfter);
