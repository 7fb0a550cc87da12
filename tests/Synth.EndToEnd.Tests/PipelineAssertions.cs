using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

internal static class PipelineAssertions
{
    public static async Task<List<SampleDocument>> AllSamplesAsync(ISampleStore store, string jobId) =>
        await store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 500 }, CancellationToken.None).ToListAsync();

    /// <summary>
    /// The deterministic ids of the samples the first <paramref name="requests"/> requests make. The target counts
    /// curated samples: the first ceil(target / n) requests, then more for the rejected ones.
    /// </summary>
    public static HashSet<string> PlannedIds(string jobId, int target, int samplesPerRequest, long requests)
    {
        var generation = new GenerationSpec { Target = target, SamplesPerRequest = samplesPerRequest };
        var ids = new HashSet<string>();
        for (long request = 0; request < requests; request++)
        {
            for (var i = 0; i < CuratedTarget.SamplesOf(generation, request); i++)
            {
                ids.Add(SampleIds.For(jobId, request, i));
            }
        }

        return ids;
    }

    /// <summary>
    /// Every planned sample is stored once, in a final state, with exactly one decision per stage it passed, every
    /// decision in the sample's own trace, and the request ledger complete.
    /// </summary>
    public static async Task<List<SampleDocument>> EveryPlannedSampleFinishedExactlyOnceAsync(ISampleStore store, string jobId, int target, int samplesPerRequest)
    {
        var samples = await AllSamplesAsync(store, jobId);
        var counts = await store.CountAsync(jobId, CancellationToken.None);

        var expectedIds = PlannedIds(jobId, target, samplesPerRequest, counts.RequestsSucceeded);
        Assert.Equal(expectedIds.Count, samples.Count);
        Assert.Equal(samples.Count, samples.Select(s => s.Id).Distinct().Count());
        Assert.True(expectedIds.SetEquals(samples.Select(s => s.Id)), "The stored ids are not the planned deterministic ids.");
        // It ends with its target, having asked for little more than rounding up to whole requests needs.
        Assert.InRange(samples.Count(s => s.State == SampleState.Evaluated), target, target + (2 * samplesPerRequest));
        Assert.Equal(
            samples.Count(s => TestJob.IsMarkedForRejection((s.Provenance.RequestIndex * samplesPerRequest) + s.Provenance.IndexInRequest)),
            samples.Count(s => s.State == SampleState.Rejected));
        Assert.All(samples, sample =>
        {
            Assert.True(sample.State is SampleState.Evaluated or SampleState.Rejected, $"{sample.Id} is {sample.State}");
            var expectedStages = sample.State == SampleState.Rejected
                ? new[] { Stage.Generator, Stage.Filter }
                : [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];
            Assert.Equal(expectedStages, sample.Decisions.Select(d => d.Stage).ToArray());
            Assert.NotNull(sample.TraceId);
            Assert.All(sample.Decisions, d => Assert.Equal(sample.TraceId, d.TraceId));
        });

        Assert.Equal(0, counts.RequestsFailed);
        Assert.Equal(0, counts.Failures);
        return samples;
    }
}
