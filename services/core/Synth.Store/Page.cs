using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextAfterId);
