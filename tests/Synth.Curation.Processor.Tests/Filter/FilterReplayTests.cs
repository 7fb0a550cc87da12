using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Processor.Filter;
using Synth.Pipeline;
using static Synth.Curation.Processor.Tests.Filter.FilterTestKit;

namespace Synth.Curation.Processor.Tests.Filter;

/// <summary>Replay over a job's stored samples into a new job, against a real SQLite store.</summary>
public sealed class FilterReplayTests : IDisposable
{
    private readonly FilterTestKit kit = new();

    public void Dispose() => kit.Dispose();

    [Fact]
    public async Task Replay_with_new_settings_reports_what_changed_and_leaves_the_original_job_untouched()
    {
        var stores = await kit.StoresAsync();
        var job = Job("replayed");
        await JobDocuments.SaveAsync(stores.Samples, job, SpecText(job.JobId, "    relevance: { enabled: false }\n    dedup: { semantic: false }"), JobState.Completed, TimeProvider.System, default);
        var processor = kit.Processor(stores);
        string[] texts =
        [
            "Short but fine.",
            "The stand mixer kneads bread dough without straining and cleans up easily afterwards.",
            "The stand mixer kneads bread dough without straining and cleans up easily afterwards!",
            "Terrible product, it stopped working after one week and smelled like burning plastic.",
        ];
        for (var i = 0; i < texts.Length; i++)
        {
            await DecideAndStoreAsync(processor, stores, job, Sample(job.JobId, i, texts[i]));
        }

        // A later stage relabels a sample: replay must start from the generator's label, not this one.
        var relabelled = (await stores.Samples.GetSampleAsync(SampleIds.For(job.JobId, 3, 0), default))!;
        relabelled.LabelHistory.Add(new LabelChange { From = null, To = "positive", Method = LabelMethod.Generator });
        relabelled.LabelHistory.Add(new LabelChange { From = "positive", To = "negative", Method = LabelMethod.StudentModel });
        relabelled.Content.Label = "negative";
        relabelled.State = SampleState.Refined;
        await stores.Samples.SaveSampleAsync(relabelled, default);
        var before = await stores.Samples.CountAsync(job.JobId, default);

        var stricter = FilterTestKit.Job("ignored", "    length: { minWords: 4 }\n    relevance: { enabled: false }\n    dedup: { exact: false, near: false, semantic: false }").Spec.Curation.Filter;
        var report = await FilterReplay.RunAsync(stores.Samples, stores.Dedup, job.JobId, stricter, "replay spec", null, "not loaded in this test", TimeProvider.System, default);

        Assert.Equal(FilterReplay.ReplayJobId(job.JobId, stricter), report.ReplayJobId);
        Assert.StartsWith("replayed-replay-", report.ReplayJobId, StringComparison.Ordinal);
        var keptToRejected = Assert.Single(report.KeptToRejectedByReason);
        Assert.Equal("length", keptToRejected.Check);
        Assert.Equal([SampleIds.For(job.JobId, 0, 0)], keptToRejected.SampleIds);
        var rejectedToKept = Assert.Single(report.RejectedToKeptByReason);
        Assert.Equal("dedup", rejectedToKept.Check);
        Assert.Equal([SampleIds.For(job.JobId, 2, 0)], rejectedToKept.SampleIds);
        Assert.Equal(2, report.Unchanged);

        var replayedRelabelled = (await stores.Samples.GetSampleAsync(SampleIds.For(report.ReplayJobId, 3, 0), default))!;
        Assert.Equal("positive", replayedRelabelled.Content.Label);
        Assert.Equal("replay", Assert.Single(replayedRelabelled.Decisions).DecidedBy);
        Assert.Equal(before.Samples, (await stores.Samples.CountAsync(job.JobId, default)).Samples);
        Assert.Equal(4, (await stores.Samples.CountAsync(report.ReplayJobId, default)).TotalSamples);

        var again = await FilterReplay.RunAsync(stores.Samples, stores.Dedup, job.JobId, stricter, "replay spec", null, "not loaded in this test", TimeProvider.System, default);
        Assert.Equal(report.Samples, again.Samples);
    }

    [Fact]
    public async Task Replay_reuses_stored_judge_scores_instead_of_calling_a_model()
    {
        var stores = await kit.StoresAsync();
        var job = Job("judged-replay");
        await JobDocuments.SaveAsync(stores.Samples, job, SpecText(job.JobId, "    relevance: { enabled: false }\n    dedup: { semantic: false }"), JobState.Completed, TimeProvider.System, default);
        var sample = Sample(job.JobId, 0, "The desk lamp is bright and the arm holds its position.");
        sample.Decisions.Add(new StageDecision
        {
            Stage = Stage.Filter,
            Outcome = SampleState.Accepted,
            Scores = new() { ["judge.faithfulness"] = 0.5, ["judge.consistency"] = 0.5, ["judge.grammar"] = 0.5 },
        });
        sample.State = SampleState.Accepted;
        await stores.Samples.SaveSampleAsync(sample, default);

        var withJudge = FilterTestKit.Job("ignored", "    judge: { enabled: true, minScore: 0.7 }\n    relevance: { enabled: false }\n    dedup: { semantic: false }").Spec.Curation.Filter;
        var report = await FilterReplay.RunAsync(stores.Samples, stores.Dedup, job.JobId, withJudge, "replay spec", null, "not loaded", TimeProvider.System, default);

        var change = Assert.Single(report.KeptToRejected);
        Assert.StartsWith("judge: judge stored score 0.5", change.AfterReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replaying_an_unknown_job_fails_by_name()
    {
        var stores = await kit.StoresAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FilterReplay.RunAsync(stores.Samples, stores.Dedup, "no-such-job", new FilterSpec(), "", null, null, TimeProvider.System, default));

        Assert.Contains("'no-such-job' is not in the store", e.Message, StringComparison.Ordinal);
    }

    private static string SpecText(string id, string filter) => $"""
        id: {id}
        name: filter test {id}
        task:
          type: text-classification
          dataDescription: One short customer review of a consumer product, in English.
          labels:
            - {"{"} name: positive, description: satisfied {"}"}
            - {"{"} name: negative, description: dissatisfied {"}"}
        generation:
          baseUrl: http://127.0.0.1:9/v1
          model: scripted-model
        curation:
          filter:
        {filter}
        """;
}
