using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <param name="Outcome">One of the stage's output states (<see cref="Stages.OutputStates"/>).</param>
public sealed record StageVerdict(SampleState Outcome, IReadOnlyDictionary<string, double>? Scores = null, string? Reason = null);
