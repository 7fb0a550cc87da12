using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <param name="States">Samples per state (generated, accepted, rejected, refined, evaluated).</param>
/// <param name="Stages">Samples each stage has finished with (generator: every sample; filter: accepted or rejected; …).</param>
public sealed record JobStageCounts(
    IReadOnlyDictionary<string, long> States,
    IReadOnlyDictionary<string, long> Stages,
    long Samples,
    long RequestsSucceeded,
    long RequestsFailed,
    long Failures);
