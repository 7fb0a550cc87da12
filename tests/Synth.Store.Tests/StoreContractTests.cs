using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>
/// The one contract every <see cref="ISampleStore"/> passes. A concrete subclass per adapter supplies fresh store
/// instances over one shared database; each test works in a job of its own, so tests never see each other's data.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    private readonly List<SynthStores> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>New stores (own connections/client) over the class's shared database.</summary>
    protected abstract SynthStores CreateStores();

    /// <summary>Whether SaveRequestAsync is all-or-nothing here (otherwise the documented ordered write).</summary>
    protected abstract Task<bool> RequestWritesAreAtomicAsync();

    /// <summary>New stores with their tables/indexes created, disposed after the test.</summary>
    protected async Task<SynthStores> NewStoresAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores;
    }

    protected async Task<ISampleStore> NewStoreAsync() => (await NewStoresAsync()).Samples;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var stores in _stores)
        {
            stores.Dispose();
        }
        return Task.CompletedTask;
    }

    [StoreFact]
    public async Task Initialize_is_idempotent()
    {
        var store = await NewStoreAsync();
        await store.InitializeAsync(Ct);
        await (await NewStoreAsync()).InitializeAsync(Ct);
        Assert.Null(await store.GetJobAsync(NewJobId(), Ct));
    }

    [StoreFact]
    public async Task Job_upsert_then_get_returns_the_latest_copy()
    {
        var store = await NewStoreAsync();
        var job = Job(NewJobId());
        Assert.Null(await store.GetJobAsync(job.Id, Ct));

        await store.UpsertJobAsync(job, Ct);
        AssertSame(job, await store.GetJobAsync(job.Id, Ct));

        job.State = JobState.Completed;
        job.StateReason = null;
        job.UpdatedAt = job.UpdatedAt.AddHours(1);
        await store.UpsertJobAsync(job, Ct);
        AssertSame(job, await store.GetJobAsync(job.Id, Ct));
    }

    [StoreFact]
    public async Task A_job_keeps_its_normalised_spec_exactly()
    {
        var store = await NewStoreAsync();
        var job = Job(NewJobId());
        await store.UpsertJobAsync(job, Ct);

        var spec = (await store.GetJobAsync(job.Id, Ct))!.RequireSpec();

        Assert.Equal(JobSpecJson.ToJson(job.Spec!), JobSpecJson.ToJson(spec));
        Assert.Null(spec.Curation.Filter.Length.MaxChars);
        Assert.Null(spec.Curation.LabelRefinement.Review.MaxFraction);
        Assert.Equal(1.2345678901234567890123m, spec.Budget.MaxCostUsd);
        Assert.Equal("/jobs/prompt.liquid", spec.Templates[TaskType.TextClassification].File);
    }

    [StoreFact]
    public async Task A_job_stored_before_specs_were_kept_reads_back_and_says_how_to_store_one()
    {
        var store = await NewStoreAsync();
        var job = Job(NewJobId());
        job.Spec = null;
        job.SchemaVersion = 1;
        await store.UpsertJobAsync(job, Ct);

        var stored = (await store.GetJobAsync(job.Id, Ct))!;

        Assert.Null(stored.Spec);
        var e = Assert.Throws<InvalidOperationException>(stored.RequireSpec);
        Assert.Contains($"Job '{job.Id}' was stored with schema version 1, without its normalised spec", e.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Saving_the_same_sample_twice_stores_one_identical_document()
    {
        var store = await NewStoreAsync();
        var sample = Sample(NewJobId(), 0, 0);

        Assert.True(await store.SaveSampleAsync(sample, Ct));
        Assert.True(await store.SaveSampleAsync(sample, Ct));

        var page = await store.QuerySamplesAsync(new SampleQuery { JobId = sample.JobId }, Ct);
        var stored = Assert.Single(page.Items);
        AssertSame(sample, stored);
        AssertSame(sample, await store.GetSampleAsync(sample.Id, Ct));
        Assert.Null(await store.GetSampleAsync(sample.Id + "-missing", Ct));
    }

    [StoreFact]
    public async Task A_stale_write_never_moves_a_sample_back()
    {
        var store = await NewStoreAsync();
        var generated = Sample(NewJobId(), 0, 0);
        var refined = WithState(generated, SampleState.Refined);
        refined.Content.Label = "ham";

        Assert.True(await store.SaveSampleAsync(refined, Ct));
        Assert.False(await store.SaveSampleAsync(WithState(generated, SampleState.Accepted), Ct));
        Assert.False(await store.SaveSampleAsync(generated, Ct));

        AssertSame(refined, await store.GetSampleAsync(generated.Id, Ct));
        var counts = await store.CountAsync(generated.JobId, Ct);
        Assert.Equal(1, counts[SampleState.Refined]);
        Assert.Equal(1, counts.TotalSamples);
        // The stale copy's label must not leak into the label index either.
        Assert.Empty((await store.QuerySamplesAsync(new SampleQuery { JobId = generated.JobId, Label = "spam" }, Ct)).Items);
    }

    [StoreFact]
    public async Task Each_later_stage_replaces_the_stored_copy()
    {
        var store = await NewStoreAsync();
        var sample = Sample(NewJobId(), 0, 0);
        foreach (var state in (SampleState[])[SampleState.Generated, SampleState.Accepted, SampleState.Refined, SampleState.Evaluated])
        {
            var copy = WithState(sample, state);
            Assert.True(await store.SaveSampleAsync(copy, Ct));
            AssertSame(copy, await store.GetSampleAsync(sample.Id, Ct));
        }
    }

    [StoreFact]
    public async Task An_equal_stage_replaces_and_accepted_and_rejected_rank_alike()
    {
        var store = await NewStoreAsync();
        var accepted = WithState(Sample(NewJobId(), 0, 0), SampleState.Accepted);
        Assert.True(await store.SaveSampleAsync(accepted, Ct));

        var reweighted = WithState(accepted, SampleState.Accepted);
        reweighted.Weight = 2.5;
        Assert.True(await store.SaveSampleAsync(reweighted, Ct));
        AssertSame(reweighted, await store.GetSampleAsync(accepted.Id, Ct));

        var rejected = WithState(accepted, SampleState.Rejected);
        Assert.True(await store.SaveSampleAsync(rejected, Ct));
        AssertSame(rejected, await store.GetSampleAsync(accepted.Id, Ct));

        Assert.True(await store.SaveSampleAsync(accepted, Ct));
        AssertSame(accepted, await store.GetSampleAsync(accepted.Id, Ct));
        Assert.False(await store.SaveSampleAsync(WithState(accepted, SampleState.Generated), Ct));
    }

    [StoreFact]
    public async Task Recorded_request_indexes_of_a_range_are_those_from_its_start_to_before_its_end()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        foreach (var index in new long[] { 0, 3, 4, 7 })
        {
            await store.SaveRequestAsync(Request(jobId, index, []), [], Ct);
        }
        await store.SaveRequestAsync(Request(NewJobId(), 5, []), [], Ct);

        Assert.Equal(new HashSet<long> { 3, 4 }, await store.GetRecordedRequestIndexesAsync(jobId, 1, 7, Ct));
        Assert.Equal(new HashSet<long> { 0, 3, 4, 7 }, await store.GetRecordedRequestIndexesAsync(jobId, 0, 8, Ct));
        Assert.Empty(await store.GetRecordedRequestIndexesAsync(jobId, 5, 7, Ct));
    }

    [StoreFact]
    public async Task SaveRequest_stores_the_ledger_record_and_its_samples()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var samples = Enumerable.Range(0, 3).Select(i => Sample(jobId, 4, i)).ToList();
        var request = Request(jobId, 4, samples);
        var failed = Request(jobId, 9, [], RequestStatus.Failed);

        await store.SaveRequestAsync(request, samples, Ct);
        await store.SaveRequestAsync(failed, [], Ct);

        AssertSame(request, await store.GetRequestAsync(request.Id, Ct));
        AssertSame(failed, await store.GetRequestAsync(failed.Id, Ct));
        Assert.Null(await store.GetRequestAsync(SampleIds.Request(jobId, 5), Ct));
        foreach (var sample in samples)
        {
            AssertSame(sample, await store.GetSampleAsync(sample.Id, Ct));
        }
        Assert.Equal(new HashSet<long> { 4, 9 }, await store.GetRecordedRequestIndexesAsync(jobId, Ct));
        Assert.Empty(await store.GetRecordedRequestIndexesAsync(NewJobId(), Ct));
    }

    [StoreFact]
    public async Task SaveRequest_is_idempotent_and_keeps_samples_that_moved_on()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var samples = Enumerable.Range(0, 2).Select(i => Sample(jobId, 0, i)).ToList();
        var request = Request(jobId, 0, samples);
        await store.SaveRequestAsync(request, samples, Ct);
        var evaluated = WithState(samples[0], SampleState.Evaluated);
        Assert.True(await store.SaveSampleAsync(evaluated, Ct));

        // A redelivered (replayed) request write: same record, same generated samples.
        await store.SaveRequestAsync(request, samples, Ct);

        AssertSame(evaluated, await store.GetSampleAsync(samples[0].Id, Ct));
        AssertSame(samples[1], await store.GetSampleAsync(samples[1].Id, Ct));
        var counts = await store.CountAsync(jobId, Ct);
        Assert.Equal(1, counts.RequestsSucceeded);
        Assert.Equal(2, counts.TotalSamples);
    }

    [StoreFact]
    public async Task A_failed_request_write_never_leaves_a_record_without_its_samples()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        await store.SaveRequestAsync(Request(jobId, 1, []), [], Ct);
        var samples = Enumerable.Range(0, 3).Select(i => Sample(jobId, 1, i + 10)).ToList();
        // Same (job, index) under another id: the ledger write violates the unique request index after the samples.
        var clash = Request(jobId, 1, samples);
        var broken = new RequestRecord
        {
            Id = clash.Id + "-clash",
            JobId = jobId,
            Index = clash.Index,
            Status = clash.Status,
            SampleIds = clash.SampleIds,
        };

        await Assert.ThrowsAnyAsync<Exception>(() => store.SaveRequestAsync(broken, samples, Ct));

        Assert.Null(await store.GetRequestAsync(broken.Id, Ct));
        if (await RequestWritesAreAtomicAsync())
        {
            foreach (var sample in samples)
            {
                Assert.Null(await store.GetSampleAsync(sample.Id, Ct));
            }
        }
    }

    [StoreFact]
    public async Task QuerySamples_filters_by_states_and_label()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var states = (SampleState[])[SampleState.Generated, SampleState.Accepted, SampleState.Rejected, SampleState.Refined, SampleState.Evaluated];
        var all = new List<SampleDocument>();
        for (var i = 0; i < 20; i++)
        {
            var sample = Sample(jobId, i / 4, i % 4, states[i % states.Length], label: i % 3 == 0 ? "spam" : "ham");
            all.Add(sample);
            Assert.True(await store.SaveSampleAsync(sample, Ct));
        }
        await store.SaveSampleAsync(Sample(NewJobId(), 0, 0, SampleState.Accepted), Ct);

        async Task Check(SampleQuery query, Func<SampleDocument, bool> expected)
        {
            var page = await store.QuerySamplesAsync(query, Ct);
            Assert.Equal(all.Where(expected).Select(s => s.Id).Order(StringComparer.Ordinal), page.Items.Select(s => s.Id));
            Assert.Null(page.NextAfterId);
        }

        await Check(new SampleQuery { JobId = jobId }, _ => true);
        await Check(new SampleQuery { JobId = jobId, States = [SampleState.Accepted] }, s => s.State == SampleState.Accepted);
        await Check(
            new SampleQuery { JobId = jobId, States = [SampleState.Accepted, SampleState.Refined] },
            s => s.State is SampleState.Accepted or SampleState.Refined);
        await Check(new SampleQuery { JobId = jobId, Label = "spam" }, s => s.Content.Label == "spam");
        await Check(
            new SampleQuery { JobId = jobId, States = [SampleState.Generated, SampleState.Evaluated], Label = "ham" },
            s => s.State is SampleState.Generated or SampleState.Evaluated && s.Content.Label == "ham");
        await Check(new SampleQuery { JobId = jobId, Label = "neither" }, _ => false);
    }

    [StoreFact]
    public async Task QuerySamples_pages_in_id_order_until_NextAfterId_is_null()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var ids = new List<string>();
        for (var i = 24; i >= 0; i--)
        {
            var sample = Sample(jobId, i, 0, i % 2 == 0 ? SampleState.Accepted : SampleState.Rejected);
            ids.Add(sample.Id);
            await store.SaveSampleAsync(sample, Ct);
        }

        async Task<List<List<string>>> ReadAll(SampleQuery query)
        {
            var pages = new List<List<string>>();
            string? after = null;
            do
            {
                var page = await store.QuerySamplesAsync(query with { AfterId = after }, Ct);
                pages.Add(page.Items.Select(s => s.Id).ToList());
                Assert.True(page.NextAfterId is null || page.NextAfterId == page.Items[^1].Id);
                after = page.NextAfterId;
            }
            while (after is not null);
            return pages;
        }

        var sorted = ids.Order(StringComparer.Ordinal).ToList();
        var pages = await ReadAll(new SampleQuery { JobId = jobId, Limit = 10 });
        Assert.Equal([10, 10, 5], pages.Select(p => p.Count));
        Assert.Equal(sorted, pages.SelectMany(p => p));

        // Exactly a whole page left: the last full page already says there is no next one.
        var accepted = await ReadAll(new SampleQuery { JobId = jobId, States = [SampleState.Accepted], Limit = 13 });
        Assert.Equal([13], accepted.Select(p => p.Count));

        var rejected = await ReadAll(new SampleQuery { JobId = jobId, States = [SampleState.Rejected], Limit = 5 });
        Assert.Equal([5, 5, 2], rejected.Select(p => p.Count));
        Assert.Equal(sorted.Where((_, i) => i % 2 == 1), rejected.SelectMany(p => p));

        var tail = await store.QuerySamplesAsync(new SampleQuery { JobId = jobId, AfterId = sorted[^1] }, Ct);
        Assert.Empty(tail.Items);
        Assert.Null(tail.NextAfterId);
    }

    [StoreFact]
    public async Task CountAsync_counts_states_ledger_and_failures_of_one_job()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        Assert.Equal(0, (await store.CountAsync(jobId, Ct)).TotalSamples);

        var expected = new Dictionary<SampleState, long> { [SampleState.Generated] = 3, [SampleState.Accepted] = 2, [SampleState.Rejected] = 2, [SampleState.Evaluated] = 4 };
        var n = 0;
        foreach (var (state, count) in expected)
        {
            for (var i = 0; i < count; i++)
            {
                await store.SaveSampleAsync(Sample(jobId, 100 + n++, 0, state), Ct);
            }
        }
        // One of the rejected samples is the evaluator's (its label's quota was full).
        var overQuota = Sample(jobId, 100 + n - 5, 0, SampleState.Rejected);
        overQuota.Decisions.Add(new StageDecision { Stage = Stage.Evaluator, Outcome = SampleState.Rejected, Reason = "label quota full", At = Updated });
        Assert.True(await store.SaveSampleAsync(overQuota, Ct));
        for (var r = 0; r < 3; r++)
        {
            await store.SaveRequestAsync(Request(jobId, r, []), [], Ct);
        }
        await store.SaveRequestAsync(Request(jobId, 3, [], RequestStatus.Failed), [], Ct);
        await store.SaveFailureAsync(Failure(jobId, "a"), Ct);
        await store.SaveFailureAsync(Failure(jobId, "b"), Ct);
        var other = NewJobId();
        await store.SaveSampleAsync(Sample(other, 0, 0), Ct);
        await store.SaveRequestAsync(Request(other, 0, [], RequestStatus.Failed), [], Ct);
        await store.SaveFailureAsync(Failure(other, "c"), Ct);

        var counts = await store.CountAsync(jobId, Ct);

        Assert.Equal(expected.OrderBy(x => x.Key), counts.Samples.OrderBy(x => x.Key));
        Assert.Equal(0, counts[SampleState.Refined]);
        Assert.Equal(11, counts.TotalSamples);
        Assert.Equal(1, counts.RejectedByEvaluator);
        Assert.Equal(3, counts.RequestsSucceeded);
        Assert.Equal(1, counts.RequestsFailed);
        Assert.Equal(2, counts.Failures);
    }

    [StoreFact]
    public async Task Failures_are_idempotent_by_id_and_paged_in_id_order()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var failures = Enumerable.Range(0, 5).Select(i => Failure(jobId, SampleIds.For(jobId, 4 - i, 0))).ToList();
        foreach (var failure in failures)
        {
            await store.SaveFailureAsync(failure, Ct);
        }
        await store.SaveFailureAsync(failures[2], Ct);
        await store.SaveFailureAsync(new FailureDocument { Id = "evaluator:orphan", Stage = Stage.Evaluator, Error = "no job id" }, Ct);

        Assert.Equal(5, (await store.CountAsync(jobId, Ct)).Failures);
        var first = await store.QueryFailuresAsync(jobId, null, 2, Ct);
        var second = await store.QueryFailuresAsync(jobId, first.NextAfterId, 2, Ct);
        var third = await store.QueryFailuresAsync(jobId, second.NextAfterId, 2, Ct);
        Assert.Equal([2, 2, 1], new[] { first, second, third }.Select(p => p.Items.Count));
        Assert.Null(third.NextAfterId);
        var read = first.Items.Concat(second.Items).Concat(third.Items).ToList();
        Assert.Equal(failures.Select(f => f.Id).Order(StringComparer.Ordinal), read.Select(f => f.Id));
        foreach (var failure in failures)
        {
            AssertSame(failure, read.Single(f => f.Id == failure.Id));
        }
    }

    /// <summary>Every field survives, timestamps exactly (100 ns ticks and their offsets), decimals exactly.</summary>
    [StoreFact]
    public async Task A_sample_with_every_field_set_round_trips_exactly()
    {
        var store = await NewStoreAsync();
        var sample = FullSample(NewJobId());

        Assert.True(await store.SaveSampleAsync(sample, Ct));
        var stored = await store.GetSampleAsync(sample.Id, Ct);

        AssertSame(sample, stored);
        Assert.Equal(sample.UpdatedAt.Ticks, stored!.UpdatedAt.Ticks);
        Assert.Equal(sample.UpdatedAt.Offset, stored.UpdatedAt.Offset);
        Assert.Equal(sample.Review!.CompletedAt, stored.Review!.CompletedAt);
        Assert.Equal(sample.Review.CompletedAt!.Value.Offset, stored.Review.CompletedAt!.Value.Offset);
        Assert.Equal(0.000123456789012345678m, stored.Provenance.CostUsd);
        Assert.Equal(1290, stored.Provenance.Usage.TotalTokens);

        var minimal = Sample(sample.JobId, 0, 0, label: null);
        minimal.Content.Text = null;
        await store.SaveSampleAsync(minimal, Ct);
        AssertSame(minimal, await store.GetSampleAsync(minimal.Id, Ct));
    }

    [StoreFact]
    public async Task Parallel_writers_through_separate_store_instances_lose_nothing()
    {
        const int writers = 8;
        const int perWriter = 500;
        const int perRequest = 5;
        var jobId = NewJobId();
        var stores = new List<ISampleStore>();
        for (var i = 0; i < writers; i++)
        {
            stores.Add(await NewStoreAsync());
        }

        // Half the writers save samples one by one, half as requests of five (the generator's path).
        await Task.WhenAll(stores.Select((store, writer) => Task.Run(async () =>
        {
            for (var r = 0; r < perWriter / perRequest; r++)
            {
                var request = writer * 1000L + r;
                var samples = Enumerable.Range(0, perRequest).Select(i => Sample(jobId, request, i)).ToList();
                if (writer % 2 == 0)
                {
                    foreach (var sample in samples)
                    {
                        Assert.True(await store.SaveSampleAsync(sample, Ct));
                    }
                }
                else
                {
                    await store.SaveRequestAsync(Request(jobId, request, samples), samples, Ct);
                }
            }
        })));

        var counts = await stores[0].CountAsync(jobId, Ct);
        Assert.Equal(writers * perWriter, counts[SampleState.Generated]);
        Assert.Equal(writers / 2 * perWriter / perRequest, counts.RequestsSucceeded);
        var ids = new HashSet<string>();
        string? after = null;
        do
        {
            var page = await stores[^1].QuerySamplesAsync(new SampleQuery { JobId = jobId, AfterId = after, Limit = 1000 }, Ct);
            ids.UnionWith(page.Items.Select(s => s.Id));
            after = page.NextAfterId;
        }
        while (after is not null);
        Assert.Equal(writers * perWriter, ids.Count);
    }

    [StoreFact]
    public async Task Racing_stages_on_the_same_samples_end_at_the_latest_stage()
    {
        var jobId = NewJobId();
        var samples = Enumerable.Range(0, 40).Select(i => Sample(jobId, i, 0)).ToList();
        var order = (SampleState[])[SampleState.Evaluated, SampleState.Generated, SampleState.Refined, SampleState.Accepted];
        // Two instances, each shared by two writers: both separate instances and one instance on many threads.
        var stores = new[] { await NewStoreAsync(), await NewStoreAsync() };

        // Each writer walks the samples with one state, starting at a different offset, so stages collide.
        await Task.WhenAll(order.Select((state, writer) => Task.Run(async () =>
        {
            for (var i = 0; i < samples.Count; i++)
            {
                var sample = samples[(i + writer * 7) % samples.Count];
                if (writer % 2 == 0)
                {
                    await stores[writer / 2].SaveSampleAsync(WithState(sample, state), Ct);
                }
                else
                {
                    await stores[writer / 2].SaveRequestAsync(
                        Request(jobId, sample.Provenance.RequestIndex, [sample]), [WithState(sample, state)], Ct);
                }
            }
        })));

        var counts = await stores[0].CountAsync(jobId, Ct);
        Assert.Equal(samples.Count, counts[SampleState.Evaluated]);
        Assert.Equal(samples.Count, counts.TotalSamples);
        foreach (var sample in samples)
        {
            Assert.Equal(SampleState.Evaluated, (await stores[1].GetSampleAsync(sample.Id, Ct))!.State);
        }
    }
}
