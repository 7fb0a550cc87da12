using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Curation.Processor.LabelRefinement;
using Synth.Store;

namespace Synth.Curation.Processor.Tests.LabelRefinement;

public sealed class BatchLabelRefinerTests
{
    private static async Task<(RefinerFixture Fixture, Pipeline.PipelineJob Job, string OddId)> SeedAsync(string refinement)
    {
        var fixture = await RefinerFixture.CreateAsync();
        var job = RefinerFixture.Job("batch-job", refinement);
        for (var i = 1; i <= 120; i++)
        {
            var positive = i % 2 == 0;
            var text = positive ? $"great wonderful love it, item {i}" : $"terrible awful broken, item {i}";
            await fixture.Store.SaveSampleAsync(RefinerFixture.Sample(job.JobId, i, text, positive ? "positive" : "negative", SampleState.Refined), CancellationToken.None);
        }

        var odd = RefinerFixture.Sample(job.JobId, 500, "great wonderful love it, item 500", "negative", SampleState.Refined);
        await fixture.Store.SaveSampleAsync(odd, CancellationToken.None);
        return (fixture, job, odd.Id);
    }

    [Fact]
    public async Task The_batch_pass_relabels_held_out_disagreements_and_a_rerun_finds_nothing_new()
    {
        var (fixture, job, oddId) = await SeedAsync("student: { minTrainingSamples: 50, minConfidence: 0.6 }\nreview: { enabled: false }");
        await using var _ = fixture;
        using var inputs = new StudentInputs();
        var refiner = new BatchLabelRefiner(fixture.Store, fixture.Stores.Reviews, new FixedTime(RefinerFixture.Now), inputs);

        var first = await refiner.RefineAsync(job, CancellationToken.None);
        var second = await refiner.RefineAsync(job, CancellationToken.None);

        Assert.Equal((121, 1, 0, 0, 0), (first.Considered, first.Relabelled, first.Flagged, first.Queued, first.MovedOn));
        Assert.Equal(0, second.Relabelled);
        var odd = (await fixture.Store.GetSampleAsync(oddId, CancellationToken.None))!;
        Assert.Equal(SampleState.Refined, odd.State);
        Assert.Equal([(LabelMethod.Generator, (string?)null, "negative"), (LabelMethod.StudentModel, "negative", "positive")], odd.LabelHistory.Select(c => (c.Method, c.From, c.To)));
    }

    [Fact]
    public async Task A_sample_written_meanwhile_is_left_to_a_rerun()
    {
        var (fixture, job, oddId) = await SeedAsync("student: { minTrainingSamples: 50, minConfidence: 0.6 }");
        await using var _ = fixture;
        using var inputs = new StudentInputs();
        var store = new ConcurrentWriterStore(fixture.Store, oddId);
        var refiner = new BatchLabelRefiner(store, fixture.Stores.Reviews, new FixedTime(RefinerFixture.Now), inputs);

        var report = await refiner.RefineAsync(job, CancellationToken.None);

        Assert.Equal((1, 1), (report.Relabelled, report.MovedOn));
        var odd = (await fixture.Store.GetSampleAsync(oddId, CancellationToken.None))!;
        Assert.Equal(("negative", "written meanwhile"), (odd.Content.Label, odd.Decisions.Single().Reason));
    }

    [Fact]
    public async Task Other_task_types_are_refused_with_a_clear_error()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        using var inputs = new StudentInputs();
        var refiner = new BatchLabelRefiner(fixture.Store, fixture.Stores.Reviews, TimeProvider.System, inputs);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => refiner.RefineAsync(RefinerFixture.Job("qa", type: "question-answering"), CancellationToken.None));

        Assert.Contains("applies to text-classification only", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The real store, except that another writer (a stage) saves one sample just as the batch pass writes it.</summary>
    private sealed class ConcurrentWriterStore(ISampleStore inner, string sampleId) : ISampleStore
    {
        public async Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken)
        {
            if (sample.Id == sampleId)
            {
                var other = SampleJson.Deserialize(SampleJson.Serialize((await inner.GetSampleAsync(sample.Id, cancellationToken))!));
                other.Decisions.Add(new StageDecision { Stage = Stage.Evaluator, Outcome = SampleState.Refined, Reason = "written meanwhile", At = RefinerFixture.Now });
                other.UpdatedAt = RefinerFixture.Now.AddSeconds(1);
                await inner.SaveSampleAsync(other, cancellationToken);
            }

            return await inner.TryReplaceSampleAsync(sample, expectedVersion, cancellationToken);
        }

        public Task<SampleDocument?> GetSampleAsync(string id, CancellationToken cancellationToken) => inner.GetSampleAsync(id, cancellationToken);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);
        public Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken) => inner.UpsertJobAsync(job, cancellationToken);
        public Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken) => inner.GetJobAsync(jobId, cancellationToken);
        public Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken) => inner.SaveSampleAsync(sample, cancellationToken);
        public Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken) => inner.SaveRequestAsync(request, samples, cancellationToken);
        public Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken) => inner.GetRequestAsync(requestId, cancellationToken);
        public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken) => inner.GetRecordedRequestIndexesAsync(jobId, cancellationToken);
        public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken) =>
            inner.GetRecordedRequestIndexesAsync(jobId, from, to, cancellationToken);
        public Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken) => inner.QuerySamplesAsync(query, cancellationToken);
        public Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken) => inner.CountAsync(jobId, cancellationToken);
        public Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken) => inner.SaveFailureAsync(failure, cancellationToken);
        public Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken) => inner.QueryFailuresAsync(jobId, afterId, limit, cancellationToken);
    }
}
