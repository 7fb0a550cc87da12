using Synth.Contracts.Samples;
using Synth.Curation.Processor.Filter;
using Synth.Pipeline;
using static Synth.Curation.Processor.Tests.Filter.FilterTestKit;

namespace Synth.Curation.Processor.Tests.Filter;

/// <summary>The filter stage against a real SQLite store: the chain on crafted samples, dedup across instances and restarts.</summary>
public sealed class FilterProcessorTests : IDisposable
{
    private readonly FilterTestKit kit = new();

    public void Dispose() => kit.Dispose();

    [Fact]
    public async Task Each_filter_rejects_its_crafted_case_with_the_reason_and_every_score_and_threshold_is_recorded()
    {
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores);
        var job = Job("crafted", "    blockList: { terms: [lorem ipsum] }\n    relevance: { enabled: false }\n    dedup: { semantic: false }");
        var cases = new (string Text, string Label, string Reason)[]
        {
            ("The blender is sturdy, quiet and crushes ice in seconds.", "positive", ""),
            ("Arrived broken and support never answered my emails.", "neutral", "schema: label 'neutral' is not in the label set"),
            ("", "positive", "schema: missing text"),
            ("buy it buy it buy it buy it buy it buy it buy it buy it", "positive", "repetition: repeated 3-gram ratio"),
            ("As an AI language model, I cannot write a review of this toaster.", "negative", "refusal: refusal phrase \"as an AI language model\""),
            ("Suppose you are a shopper writing honest reviews: one short customer review of a consumer product, in English.", "positive", "refusal: echoes"),
            ("Lorem ipsum dolor sit amet, the kettle is fine.", "positive", "block-list: blocked term(s): lorem ipsum"),
        };

        for (var i = 0; i < cases.Length; i++)
        {
            var (text, label, reason) = cases[i];
            var verdict = await DecideAndStoreAsync(processor, stores, job, Sample(job.JobId, i, text, label));

            if (reason.Length == 0)
            {
                Assert.Equal(SampleState.Accepted, verdict.Outcome);
            }
            else
            {
                Assert.Equal(SampleState.Rejected, verdict.Outcome);
                Assert.StartsWith(reason, verdict.Reason, StringComparison.Ordinal);
            }

            foreach (var filter in new[] { "schema", "length", "repetition", "refusal", "block-list" })
            {
                Assert.True(verdict.Scores!.ContainsKey(filter), $"{filter} score missing on case {i}");
                Assert.True(verdict.Scores.ContainsKey($"{filter}.threshold"), $"{filter} threshold missing on case {i}");
            }
        }

        var stored = await stores.Samples.GetSampleAsync(SampleIds.For(job.JobId, 0, 0), CancellationToken.None);
        Assert.Equal(SampleState.Accepted, stored!.State);
        Assert.True(stored.Weight > 0);
        Assert.Equal(1.0, stored.Decisions.Single().Scores[JobFilter.Novelty]);
    }

    [Fact]
    public async Task A_duplicate_names_the_sample_it_duplicates_and_a_redelivery_is_not_its_own_duplicate()
    {
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores);
        var job = Job("dups");
        const string original = "The headphones sound warm and the battery easily lasts a whole week of commuting.";

        var first = await DecideAndStoreAsync(processor, stores, job, Sample(job.JobId, 0, original));
        var exact = await processor.ProcessAsync(Sample(job.JobId, 1, "THE HEADPHONES sound warm, and the battery easily lasts a whole week of commuting!"), job, default);
        var near = await processor.ProcessAsync(Sample(job.JobId, 2, "The headphones sound warm and the battery easily lasts a whole week of my commuting."), job, default);
        var different = await processor.ProcessAsync(Sample(job.JobId, 3, "The zipper broke on the second day and the seller refused a refund."), job, default);
        var redelivered = await processor.ProcessAsync(Sample(job.JobId, 0, original), job, default);

        var originalId = SampleIds.For(job.JobId, 0, 0);
        Assert.Equal(SampleState.Accepted, first.Outcome);
        Assert.Equal($"dedup: exact duplicate of {originalId}", exact.Reason);
        // Word sets: 13 shared of 14 words.
        Assert.StartsWith($"dedup: near-duplicate of {originalId} (Jaccard 0.929", near.Reason, StringComparison.Ordinal);
        Assert.Equal(SampleState.Accepted, different.Outcome);
        Assert.Equal(SampleState.Accepted, redelivered.Outcome);
    }

    [Fact]
    public async Task Two_instances_on_one_store_keep_one_copy_of_each_text_and_name_it()
    {
        var (storesA, storesB) = (await kit.StoresAsync(), await kit.StoresAsync());
        var (instanceA, instanceB) = (kit.Processor(storesA), kit.Processor(storesB));
        var job = Job("two-instances");
        string[] texts =
        [
            "The vacuum picks up pet hair from the carpet better than any I have owned.",
            "Shipping took a month and the box was crushed when it finally came.",
            "Comfortable running shoes, though the laces come undone on every run.",
            "The lamp flickers constantly and the switch stopped working after a week.",
        ];

        // Each text arrives four times (as if generated again), spread over both instances, all at once.
        var work = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? instanceA : instanceB).ProcessAsync(Sample(job.JobId, i, texts[i % 4]), job, default).AsTask())).ToList();
        var verdicts = await Task.WhenAll(work);

        for (var t = 0; t < texts.Length; t++)
        {
            var group = Enumerable.Range(0, 16).Where(i => i % 4 == t).ToList();
            var kept = Assert.Single(group, i => verdicts[i].Outcome == SampleState.Accepted);
            Assert.All(group.Where(i => i != kept), i => Assert.Equal($"dedup: exact duplicate of {SampleIds.For(job.JobId, kept, 0)}", verdicts[i].Reason));
        }
    }

    [Fact]
    public async Task After_a_restart_the_index_still_holds_the_earlier_samples()
    {
        var job = Job("restart");
        var before = await kit.StoresAsync();
        await DecideAndStoreAsync(kit.Processor(before), before, job, Sample(job.JobId, 0, "This tent kept us dry through two nights of heavy mountain rain."));

        var after = await kit.StoresAsync();
        var verdict = await kit.Processor(after).ProcessAsync(Sample(job.JobId, 1, "This tent kept us dry through two nights of heavy mountain rain!!"), job, default);

        Assert.Equal($"dedup: exact duplicate of {SampleIds.For(job.JobId, 0, 0)}", verdict.Reason);
    }

    [Fact]
    public async Task A_dataset_scope_finds_duplicates_across_jobs_and_a_job_scope_does_not()
    {
        var stores = await kit.StoresAsync();
        var processor = kit.Processor(stores);
        const string dataset = "    relevance: { enabled: false }\n    dedup: { semantic: false, scope: dataset, dataset: reviews }";
        var (first, second, isolated) = (Job("dataset-one", dataset), Job("dataset-two", dataset), Job("own-scope"));
        const string text = "The coffee grinder is loud but the grind is perfectly even every time.";

        await DecideAndStoreAsync(processor, stores, first, Sample(first.JobId, 0, text));
        var acrossJobs = await processor.ProcessAsync(Sample(second.JobId, 0, text), second, default);
        var ownScope = await processor.ProcessAsync(Sample(isolated.JobId, 0, text), isolated, default);

        Assert.Equal($"dedup: exact duplicate of {SampleIds.For(first.JobId, 0, 0)}", acrossJobs.Reason);
        Assert.Equal(SampleState.Accepted, ownScope.Outcome);
    }

    [Fact]
    public async Task Rank_and_drop_keeps_about_the_best_fraction_and_a_restarted_instance_continues_from_stored_history()
    {
        var stores = await kit.StoresAsync();
        var job = Job("rank", "    mode: rank-and-drop\n    repetition: { ngram: 1, maxRepeatedRatio: 0.95 }\n    rankAndDrop: { keepFraction: 0.5, window: 40, warmUp: 10 }\n    relevance: { enabled: false }\n    dedup: { exact: false, near: false, semantic: false }");
        var processor = kit.Processor(stores);
        var words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa".Split(' ');

        // 1..12 distinct words padded with one repeated word: every sample passes, the repetition score ranks them.
        var outcomes = new List<(int Words, StageVerdict Verdict)>();
        for (var i = 0; i < 60; i++)
        {
            var count = 1 + (i * 7 % 12);
            var text = string.Join(' ', words.Skip(i % 4).Take(count).Concat(Enumerable.Repeat("again", 13 - count)));
            var sample = Sample(job.JobId, i, text);
            var verdict = await processor.ProcessAsync(sample, job, default);
            outcomes.Add((count, verdict));
            sample.Decisions.Add(new StageDecision { Stage = Stage.Filter, Outcome = verdict.Outcome, Scores = verdict.Scores!.ToDictionary(), Reason = verdict.Reason });
            sample.State = verdict.Outcome;
            await stores.Samples.SaveSampleAsync(sample, default);
        }

        Assert.All(outcomes.Take(10), o => Assert.False(o.Verdict.Scores!.ContainsKey(JobFilter.RankCutoff)));
        var afterWarmUp = outcomes.Skip(10).Where(o => o.Verdict.Scores!.ContainsKey(JobFilter.CombinedScore)).ToList();
        var keptShare = (double)afterWarmUp.Count(o => o.Verdict.Outcome == SampleState.Accepted) / afterWarmUp.Count;
        Assert.InRange(keptShare, 0.35, 0.65);
        Assert.All(afterWarmUp.Where(o => o.Verdict.Outcome == SampleState.Rejected && o.Verdict.Reason!.StartsWith("rank", StringComparison.Ordinal)),
            o => Assert.True(o.Verdict.Scores![JobFilter.CombinedScore] < o.Verdict.Scores[JobFilter.RankCutoff]));

        var restarted = kit.Processor(await kit.StoresAsync());
        var first = await restarted.ProcessAsync(Sample(job.JobId, 100, "alpha again again again again again again again again again again again"), job, default);
        Assert.True(first.Scores!.ContainsKey(JobFilter.RankCutoff));
        Assert.Equal(SampleState.Rejected, first.Outcome);
    }
}
