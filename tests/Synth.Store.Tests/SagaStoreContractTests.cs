using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>The <see cref="ISagaStore"/> contract, on SQLite always and on MongoDB when SYNTH_MONGO_URI is set.</summary>
public abstract class SagaStoreContractTests : IDisposable
{
    private readonly List<SynthStores> _stores = [];

    private static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<ISagaStore> NewStoreAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores.Sagas;
    }

    [StoreFact]
    public async Task A_saga_is_inserted_once_and_updated_only_from_the_version_it_was_read_at()
    {
        var first = await NewStoreAsync();
        var second = await NewStoreAsync();
        var id = Guid.NewGuid();
        var jobId = NewJobId();
        var saga = new StoredSaga(id, jobId, "Submitted", 1, """{"targetCount":10}""");

        Assert.True(await first.InsertSagaAsync(saga, Ct));
        Assert.False(await second.InsertSagaAsync(saga with { Json = """{"targetCount":99}""" }, Ct));
        Assert.Equal(saga, await second.GetSagaAsync(id, Ct));

        var generating = saga with { State = "Generating", Version = 2, Json = """{"targetCount":10,"shardCount":1}""" };
        Assert.True(await second.UpdateSagaAsync(generating, expectedVersion: 1, Ct));
        // The first store object read version 1 too: its update lost the race and changes nothing.
        Assert.False(await first.UpdateSagaAsync(saga with { State = "Paused", Version = 2 }, expectedVersion: 1, Ct));
        Assert.Equal(generating, await first.GetSagaAsync(id, Ct));

        await first.DeleteSagaAsync(id, Ct);
        Assert.Null(await second.GetSagaAsync(id, Ct));
    }

    [StoreFact]
    public async Task Sagas_are_listed_by_state_in_id_order()
    {
        var store = await NewStoreAsync();
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        string[] states = ["Generating", "Completed", "Draining", "Generating"];
        for (var i = 0; i < ids.Count; i++)
        {
            await store.InsertSagaAsync(new StoredSaga(ids[i], NewJobId(), states[i], 1, "{}"), Ct);
        }

        var listed = (await store.ListSagasAsync(["Generating", "Draining"], Ct)).Where(s => ids.Contains(s.Id)).ToList();

        Assert.Equal(ids.Where((_, i) => states[i] != "Completed").Order().Select(g => g.ToString("D")), listed.Select(s => s.Id.ToString("D")));
        Assert.DoesNotContain(listed, s => s.State == "Completed");
    }

    public void Dispose()
    {
        foreach (var stores in _stores)
        {
            stores.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteSagaStoreContractTests(TempDirectoryFixture directory) : SagaStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "sagas.db"));
}

[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoSagaStoreContractTests(MongoDatabaseFixture database) : SagaStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
