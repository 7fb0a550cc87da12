using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>The <see cref="IReportStore"/> contract, on SQLite always and on MongoDB when SYNTH_MONGO_URI is set.</summary>
public abstract class ReportStoreContractTests : IDisposable
{
    private readonly List<SynthStores> _stores = [];

    private static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<IReportStore> NewStoreAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores.Reports;
    }

    [StoreFact]
    public async Task The_latest_report_replaces_the_earlier_and_every_store_object_sees_it()
    {
        var jobId = NewJobId();
        var writer = await NewStoreAsync();
        var reader = await NewStoreAsync();
        var first = new StoredReport(jobId, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), """{"n":1}""");
        var second = new StoredReport(jobId, new DateTimeOffset(2026, 11, 25, 11, 30, 0, 500, TimeSpan.FromHours(2)), """{"n":2}""");

        Assert.Null(await reader.GetReportAsync(jobId, Ct));
        await writer.SaveReportAsync(first, Ct);
        Assert.Equal(first, await reader.GetReportAsync(jobId, Ct));
        await reader.SaveReportAsync(second, Ct);

        Assert.Equal(second, await writer.GetReportAsync(jobId, Ct));
        Assert.Null(await writer.GetReportAsync(NewJobId(), Ct));
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

public sealed class SqliteReportStoreContractTests(TempDirectoryFixture directory) : ReportStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "reports.db"));
}

[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoReportStoreContractTests(MongoDatabaseFixture database) : ReportStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
