using Synth.Contracts.Audit;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>The <see cref="IAuditStore"/> contract, on SQLite always and on MongoDB when SYNTH_MONGO_URI is set.</summary>
public abstract class AuditStoreContractTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly List<SynthStores> _stores = [];

    private static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<IAuditStore> NewStoreAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores.Audit;
    }

    [StoreFact]
    public async Task Records_come_back_by_job_by_sample_and_by_submitter_oldest_first_and_a_repeat_is_kept_once()
    {
        var job = NewJobId();
        var other = NewJobId();
        var writer = await NewStoreAsync();
        var reader = await NewStoreAsync();
        var submit = AuditRecord.Create(At, "otto", AuditAction.Submit, job);
        var label = AuditRecord.Create(At.AddMinutes(2), "rhea", AuditAction.Label, job, $"{job}-r000000-s000", "positive");
        var cancel = AuditRecord.Create(At.AddMinutes(3), "otto", AuditAction.Cancel, job, detail: "wrong model");
        var elsewhere = AuditRecord.Create(At.AddMinutes(1), "otto", AuditAction.Submit, other);

        foreach (var record in new[] { cancel, label, submit, elsewhere, submit })
        {
            await writer.AppendAsync(record, Ct);
        }

        Assert.Equal([submit, label, cancel], await reader.ForJobAsync(job, Ct));
        Assert.Equal([label], await reader.ForSampleAsync($"{job}-r000000-s000", Ct));
        Assert.Equal(new[] { job, other }.Order(), (await reader.JobsSubmittedByAsync("otto", Ct)).Order());
        Assert.Empty(await reader.JobsSubmittedByAsync("rhea", Ct));
        Assert.Empty(await reader.ForJobAsync(NewJobId(), Ct));
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

public sealed class SqliteAuditStoreContractTests(TempDirectoryFixture directory) : AuditStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "audit.db"));
}

[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoAuditStoreContractTests(MongoDatabaseFixture database) : AuditStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
