using MongoDB.Driver;
using Synth.Store.Mongo;

namespace Synth.Store.Tests;

/// <summary>A database of its own for each run of the Mongo contract tests, dropped afterwards.</summary>
public sealed class MongoDatabaseFixture : IDisposable
{
    public const string UriVariable = "SYNTH_MONGO_URI";

    public string? Uri { get; } = Environment.GetEnvironmentVariable(UriVariable);

    public string Database { get; } = "synth-store-tests-" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose()
    {
        if (string.IsNullOrWhiteSpace(Uri))
        {
            return;
        }
        using var client = new MongoClient(Uri);
        client.DropDatabase(Database);
    }
}

/// <summary>Runs against the server at SYNTH_MONGO_URI; reported as skipped when it is not set.</summary>
[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoStoreContractTests(MongoDatabaseFixture database) : StoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });

    protected override async Task<bool> RequestWritesAreAtomicAsync()
    {
        using var context = new MongoDatabaseContext(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
        return await context.SupportsTransactionsAsync(CancellationToken.None);
    }
}
