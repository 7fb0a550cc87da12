using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>Progress of a one-machine run, as counted in the store: requests planned so far, and curated samples against the target.</summary>
public sealed record PipelineProgress(long RequestsPlanned, int Target, JobCounts Counts, bool GenerationDone)
{
    public long Curated => CuratedTarget.Curated(Counts);
}
