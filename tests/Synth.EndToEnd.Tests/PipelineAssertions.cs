using Synth.Contracts.Samples;
using Synth.Store;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

internal static class PipelineAssertions
{
    public static async Task<List<SampleDocument>> AllSamplesAsync(ISampleStore store, string jobId) =>
        await store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 500 }, CancellationToken.None).ToListAsync();

    /// <summary>
    /// Every planned sample is stored once, in a final state, with exactly one decision per stage it passed, every
    /// decision in the sample's own trace, and the request ledger complete.
    /// </summary>
    public static async Task<List<SampleDocument>> EveryPlannedSampleFinishedExactlyOnceAsync(ISampleStore store, string jobId, int target, int samplesPerRequest)
    {
        var samples = await AllSamplesAsync(store, jobId);
        Assert.Equal(target, samples.Count);
        Assert.Equal(target, samples.Select(s => s.Id).Distinct().Count());

        var expectedIds = Enumerable.Range(0, target)
            .Select(i => SampleIds.For(jobId, i / samplesPerRequest, i % samplesPerRequest))
            .ToHashSet();
        Assert.True(expectedIds.SetEquals(samples.Select(s => s.Id)), "The stored ids are not the planned deterministic ids.");
        Assert.Equal(TestJob.ExpectedRejected(target), samples.Count(s => s.State == SampleState.Rejected));
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

        var counts = await store.CountAsync(jobId, CancellationToken.None);
        Assert.Equal((target + samplesPerRequest - 1) / samplesPerRequest, counts.RequestsSucceeded);
        Assert.Equal(0, counts.RequestsFailed);
        Assert.Equal(0, counts.Failures);
        return samples;
    }
}
