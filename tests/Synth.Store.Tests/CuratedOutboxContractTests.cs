using Synth.Contracts.Samples;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>
/// The curated-outbox contract every <see cref="ICuratedOutboxStore"/> passes: an entry written with the sample is
/// pending until marked sent with its own token, and marking sent never changes the sample's version. The tests of a
/// class share one database, so each looks only at its own job's samples.
/// </summary>
public abstract class CuratedOutboxContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 11, 0, 0, TimeSpan.Zero);
    private readonly List<SynthStores> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<SynthStores> NewStoresAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var stores in _stores)
        {
            stores.Dispose();
        }
        return Task.CompletedTask;
    }

    private static SampleDocument Pending(string jobId, int index, string token)
    {
        var sample = Sample(jobId, 0, index, SampleState.Evaluated);
        sample.PendingCuratedPublish = token;
        return sample;
    }

    private static async Task<List<SampleDocument>> PendingOfAsync(ICuratedOutboxStore outbox, string jobId) =>
        [.. (await outbox.ReadPendingAsync(1000, Ct)).Where(s => s.JobId == jobId)];

    [StoreFact]
    public async Task The_entry_is_written_with_the_review_in_one_write_and_read_as_pending()
    {
        var stores = await NewStoresAsync();
        var jobId = NewJobId();
        var queued = Sample(jobId, 0, 1, SampleState.Evaluated);
        queued.Review = new ReviewRecord { Priority = 0.5, RequestedAt = Now, Reason = "test" };
        await stores.Samples.SaveSampleAsync(queued, Ct);
        await stores.Samples.SaveSampleAsync(Sample(jobId, 0, 2, SampleState.Evaluated), Ct);
        var lease = (await stores.Reviews.LeaseNextReviewAsync(jobId, "alice", Now, TimeSpan.FromMinutes(5), Ct))!;

        var done = await stores.Reviews.CompleteReviewAsync(lease.Sample.Id, lease.LeaseToken, s =>
        {
            s.Review!.Status = ReviewStatus.Rejected;
            s.PendingCuratedPublish = "token-1";
        }, Ct);

        var pending = Assert.Single(await PendingOfAsync(stores.CuratedOutbox, jobId));
        Assert.Equal((queued.Id, "token-1", ReviewStatus.Rejected, done.Sample!.Version), (pending.Id, pending.PendingCuratedPublish, pending.Review!.Status, pending.Version));
    }

    [StoreFact]
    public async Task Marking_sent_clears_only_the_same_token_and_keeps_the_version()
    {
        var stores = await NewStoresAsync();
        var jobId = NewJobId();
        var sample = Pending(jobId, 1, "first");
        await stores.Samples.SaveSampleAsync(sample, Ct);
        var readByAStage = (await stores.Samples.GetSampleAsync(sample.Id, Ct))!;

        Assert.False(await stores.CuratedOutbox.MarkSentAsync(sample.Id, "other", Ct));
        Assert.False(await stores.CuratedOutbox.MarkSentAsync("no-such-sample", "first", Ct));
        Assert.Single(await PendingOfAsync(stores.CuratedOutbox, jobId));
        Assert.True(await stores.CuratedOutbox.MarkSentAsync(sample.Id, "first", Ct));
        Assert.False(await stores.CuratedOutbox.MarkSentAsync(sample.Id, "first", Ct));

        Assert.Empty(await PendingOfAsync(stores.CuratedOutbox, jobId));
        var stored = (await stores.Samples.GetSampleAsync(sample.Id, Ct))!;
        Assert.Null(stored.PendingCuratedPublish);
        Assert.Equal(readByAStage.Version, stored.Version);
        // A stage's compare-and-set on the version it read before still succeeds: marking sent is not a write it must see.
        readByAStage.Weight = 0.5;
        Assert.True(await stores.Samples.TryReplaceSampleAsync(readByAStage, readByAStage.Version, Ct));
    }

    [StoreFact]
    public async Task A_later_change_keeps_its_own_entry_pending()
    {
        var stores = await NewStoresAsync();
        var jobId = NewJobId();
        var sample = Pending(jobId, 1, "first");
        await stores.Samples.SaveSampleAsync(sample, Ct);
        var read = (await stores.Samples.GetSampleAsync(sample.Id, Ct))!;
        read.PendingCuratedPublish = "second";
        Assert.True(await stores.Samples.TryReplaceSampleAsync(read, read.Version, Ct));

        Assert.False(await stores.CuratedOutbox.MarkSentAsync(sample.Id, "first", Ct));

        Assert.Equal("second", Assert.Single(await PendingOfAsync(stores.CuratedOutbox, jobId)).PendingCuratedPublish);
    }

    [StoreFact]
    public async Task Pending_entries_come_in_id_order_up_to_the_limit_from_any_store_object()
    {
        var writer = await NewStoresAsync();
        var drainer = await NewStoresAsync();
        var jobId = NewJobId();
        foreach (var index in (int[])[3, 1, 2])
        {
            await writer.Samples.SaveSampleAsync(Pending(jobId, index, $"token-{index}"), Ct);
        }
        await writer.Samples.SaveSampleAsync(Sample(jobId, 0, 4, SampleState.Evaluated), Ct);

        var ours = await PendingOfAsync(drainer.CuratedOutbox, jobId);
        var firstTwo = await drainer.CuratedOutbox.ReadPendingAsync(2, Ct);

        Assert.Equal(new[] { 1, 2, 3 }.Select(i => SampleIds.For(jobId, 0, i)).Order(StringComparer.Ordinal), ours.Select(s => s.Id));
        Assert.Equal(2, firstTwo.Count);
        Assert.Equal(firstTwo.Select(s => s.Id).Order(StringComparer.Ordinal), firstTwo.Select(s => s.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => drainer.CuratedOutbox.ReadPendingAsync(0, Ct));
    }
}

public sealed class SqliteCuratedOutboxContractTests(TempDirectoryFixture directory) : CuratedOutboxContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "outbox.db"));
}

/// <summary>Runs against the server at SYNTH_MONGO_URI; reported as skipped when it is not set.</summary>
[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoCuratedOutboxContractTests(MongoDatabaseFixture database) : CuratedOutboxContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
