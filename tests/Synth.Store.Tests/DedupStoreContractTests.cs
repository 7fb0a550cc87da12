using Microsoft.Data.Sqlite;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;

namespace Synth.Store.Tests;

/// <summary>
/// The contract of <see cref="IDedupStore"/>: first writer wins on a hash and on similar texts even between two store
/// objects (two filter instances) racing, entries survive a new store object (a restart), scopes are isolated.
/// The decision rule here is the simplest one (a claimed hash or any band candidate is a duplicate); the real rules
/// live in Synth.Curation and are tested with the filter processor.
/// </summary>
public abstract class DedupStoreContractTests : IAsyncLifetime
{
    private readonly List<SynthStores> _stores = [];
    private readonly string _scope = "job:dedup-" + Guid.NewGuid().ToString("N")[..8];

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<IDedupStore> NewStoreAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores.Dedup;
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

    private DedupKeys Keys(string sampleId, string hash, string[] bands, float[]? embedding = null, string? scope = null) =>
        new(scope ?? _scope, sampleId, hash, bands, [$"{sampleId} shingle", "shared shingle"], embedding);

    /// <summary>Returns the sample it duplicates (null: recorded as new).</summary>
    private static Task<string?> OfferAsync(IDedupStore store, DedupKeys keys, long? vectorsAfter = null) =>
        store.CheckAndAddAsync(keys, new DedupLookupOptions(vectorsAfter), lookup =>
        {
            if (lookup.OwnEntry is not null)
            {
                return new DedupOutcome<string?>(null, false);
            }

            var original = lookup.ExactOwner ?? lookup.BandCandidates.FirstOrDefault(c => c.SampleId != keys.SampleId)?.SampleId;
            return new DedupOutcome<string?>(original, original is null);
        }, Ct);

    [StoreFact]
    public async Task Two_instances_racing_on_one_text_keep_exactly_one_copy()
    {
        var (first, second) = (await NewStoreAsync(), await NewStoreAsync());

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => OfferAsync(i % 2 == 0 ? first : second, Keys($"s{i:00}", "same-hash", [$"band-{i}"])))));

        var kept = Enumerable.Range(0, 40).Where(i => results[i] is null).ToList();
        var winner = $"s{Assert.Single(kept):00}";
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(winner, r));
    }

    [StoreFact]
    public async Task Two_instances_racing_on_near_duplicates_keep_one_and_name_it()
    {
        var (first, second) = (await NewStoreAsync(), await NewStoreAsync());

        // Different hashes, one shared band key: only the LSH side can find these.
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => OfferAsync(i % 2 == 0 ? first : second, Keys($"n{i:00}", $"hash-{i}", ["band-shared", $"band-own-{i}"])))));

        var winner = $"n{Assert.Single(Enumerable.Range(0, 30), i => results[i] is null):00}";
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(winner, r));
    }

    [StoreFact]
    public async Task Concurrent_checks_on_one_store_see_each_other_and_a_failing_decision_fails_only_its_own_check()
    {
        var store = await NewStoreAsync();

        var checks = Enumerable.Range(0, 30).Select(i => Task.Run(() => i == 7
            ? store.CheckAndAddAsync<string?>(Keys("broken", "hash-broken", ["band-shared"]), new DedupLookupOptions(null),
                _ => throw new InvalidOperationException("decision failed"), Ct)
            : OfferAsync(store, Keys($"c{i:00}", $"hash-{i}", ["band-shared"])))).ToList();

        await Assert.ThrowsAsync<InvalidOperationException>(() => checks[7]);
        var results = checks.Where((_, i) => i != 7).Select(c => c.Result).ToList();
        var winner = $"c{checks.FindIndex(c => c.IsCompletedSuccessfully && c.Result is null):00}";
        Assert.Single(results, r => r is null);
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(winner, r));
        // The failed check recorded nothing: its hash is still unclaimed.
        Assert.Null(await OfferAsync(store, Keys("after", "hash-broken", ["band-after"])));
    }

    [StoreFact]
    public async Task A_new_store_object_finds_what_an_earlier_one_recorded()
    {
        var before = await NewStoreAsync();
        Assert.Null(await OfferAsync(before, Keys("original", "hash-a", ["band-a"], [1, 0])));

        var afterRestart = await NewStoreAsync();

        Assert.Equal("original", await OfferAsync(afterRestart, Keys("copy", "hash-a", ["band-z"])));
        Assert.Equal("original", await OfferAsync(afterRestart, Keys("near", "hash-b", ["band-a"])));
        Assert.Null(await OfferAsync(afterRestart, Keys("original", "hash-a", ["band-a"])));
    }

    [StoreFact]
    public async Task Lookups_return_own_entry_candidates_in_write_order_and_vectors_after_a_sequence()
    {
        var store = await NewStoreAsync();
        foreach (var (id, vector) in new[] { ("v1", new float[] { 1, 0 }), ("v2", new float[] { 0, 1 }), ("v3", new float[] { 0.5f, 0.5f }) })
        {
            await store.CheckAndAddAsync(Keys(id, $"hash-{id}", ["band-common", $"band-{id}"], vector), new DedupLookupOptions(null),
                _ => new DedupOutcome<bool>(true, true), Ct);
        }

        var lookup = await store.CheckAndAddAsync(Keys("v2", "hash-x", ["band-common"]), new DedupLookupOptions(0),
            found => new DedupOutcome<DedupLookup>(found, false), Ct);

        Assert.Equal("v2", lookup.OwnEntry?.SampleId);
        Assert.Equal(["v1", "v2", "v3"], lookup.BandCandidates.Select(c => c.SampleId));
        Assert.Equal(["v1 shingle", "shared shingle"], lookup.BandCandidates[0].Shingles);
        Assert.Equal(["v1", "v2", "v3"], lookup.Vectors.Select(v => v.SampleId));
        Assert.Equal([0.5f, 0.5f], lookup.Vectors[2].Embedding!);

        var later = await store.CheckAndAddAsync(Keys("v4", "hash-y", []), new DedupLookupOptions(lookup.Vectors[0].Sequence),
            found => new DedupOutcome<DedupLookup>(found, false), Ct);
        Assert.Equal(["v2", "v3"], later.Vectors.Select(v => v.SampleId));
        Assert.Empty(later.BandCandidates);
    }

    [StoreFact]
    public async Task Scopes_are_isolated_and_a_dataset_scope_is_shared_by_jobs()
    {
        var store = await NewStoreAsync();
        var dataset = "dataset:" + Guid.NewGuid().ToString("N")[..8];
        Assert.Null(await OfferAsync(store, Keys("job-a-1", "hash-d", ["band-d"], scope: dataset)));

        Assert.Null(await OfferAsync(store, Keys("job-b-1", "hash-d", ["band-d"], scope: _scope)));
        Assert.Equal("job-a-1", await OfferAsync(store, Keys("job-b-2", "hash-d", ["band-q"], scope: dataset)));
    }

    [StoreFact]
    public async Task A_counter_gives_exactly_its_limit_across_instances()
    {
        var (first, second) = (await NewStoreAsync(), await NewStoreAsync());
        var counter = "judge:" + _scope;

        var taken = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).TryConsumeAsync(counter, 10, Ct))));

        Assert.Equal(10, taken.Count(t => t));
        Assert.False(await first.TryConsumeAsync(counter, 10, Ct));
        Assert.True(await first.TryConsumeAsync(counter, 11, Ct));
    }

    [StoreFact]
    public async Task A_quota_grants_exactly_its_limit_across_instances_and_a_claimant_keeps_its_slot()
    {
        var (first, second) = (await NewStoreAsync(), await NewStoreAsync());
        var quota = "quota:" + _scope + ":negative";

        // 25 samples, each delivered twice (one copy to each instance), race for 10 slots.
        var granted = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(async () => (Sample: i / 2, Granted: await (i % 2 == 0 ? first : second).TryClaimSlotAsync(quota, $"s{i / 2}", 10, Ct)))));

        var holders = granted.Where(g => g.Granted).Select(g => g.Sample).Distinct().ToList();
        Assert.Equal(10, holders.Count);
        // Both deliveries of a sample get the same answer.
        Assert.All(granted.GroupBy(g => g.Sample), copies => Assert.Single(copies.Select(c => c.Granted).Distinct()));
        Assert.True(await second.TryClaimSlotAsync(quota, $"s{holders[0]}", 10, Ct));
        Assert.False(await first.TryClaimSlotAsync(quota, "late", 10, Ct));
        Assert.Equal(10, await second.CountSlotsAsync(quota, Ct));
        Assert.True(await first.TryClaimSlotAsync(quota, "late", 11, Ct));
        Assert.Equal(11, await second.CountSlotsAsync(quota, Ct));
        Assert.False(await first.TryClaimSlotAsync("quota:" + _scope + ":other", "s0", 0, Ct));
        Assert.Equal(0, await first.CountSlotsAsync("quota:" + _scope + ":other", Ct));
    }
}

public sealed class SqliteDedupStoreTests(TempDirectoryFixture directory) : DedupStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "dedup.db"));

    [Fact]
    public async Task A_file_with_the_earlier_tables_keeps_its_entries()
    {
        var path = Path.Combine(directory.Path, "earlier.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            // The dedup tables as they were before the index became one row per entry, with one entry.
            command.CommandText = """
                CREATE TABLE dedup_entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, sample_id TEXT NOT NULL, shingles TEXT NOT NULL, embedding BLOB);
                CREATE TABLE dedup_hashes (scope TEXT NOT NULL, hash TEXT NOT NULL, sample_id TEXT NOT NULL, PRIMARY KEY (scope, hash)) WITHOUT ROWID;
                CREATE TABLE dedup_bands (scope TEXT NOT NULL, band_key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (scope, band_key, seq)) WITHOUT ROWID;
                INSERT INTO dedup_entries (scope, sample_id, shingles) VALUES ('dataset:d', 'old', 'old shingle' || char(10) || 'shared shingle');
                INSERT INTO dedup_hashes VALUES ('dataset:d', 'hash-old', 'old');
                INSERT INTO dedup_bands VALUES ('dataset:d', 'band-1', 1), ('dataset:d', 'band-2', 1);
                """;
            await command.ExecuteNonQueryAsync();
        }

        using var stores = SqliteStores.Open(path);
        await stores.Samples.InitializeAsync(CancellationToken.None);

        var copy = await stores.Dedup.CheckAndAddAsync(new DedupKeys("dataset:d", "copy", "hash-old", ["band-x"], ["a"], null), new DedupLookupOptions(null),
            lookup => new DedupOutcome<DedupLookup>(lookup, false), CancellationToken.None);
        var near = await stores.Dedup.CheckAndAddAsync(new DedupKeys("dataset:d", "near", "hash-near", ["band-2"], ["a"], null), new DedupLookupOptions(null),
            lookup => new DedupOutcome<DedupLookup>(lookup, false), CancellationToken.None);
        Assert.Equal("old", copy.ExactOwner);
        Assert.Equal(["old shingle", "shared shingle"], Assert.Single(near.BandCandidates).Shingles);
    }
}

/// <summary>Runs against the server at SYNTH_MONGO_URI; reported as skipped when it is not set.</summary>
[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoDedupStoreTests(MongoDatabaseFixture database) : DedupStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
