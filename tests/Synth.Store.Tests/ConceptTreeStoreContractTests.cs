using Synth.Store.Mongo;
using Synth.Store.Sqlite;

namespace Synth.Store.Tests;

/// <summary>
/// The contract of <see cref="IConceptTreeStore"/>: a node is claimed by one of two store objects (two generator
/// instances) racing, the first outcome written is kept, a dead claim can be taken over only after its lease, and
/// plans are recorded once; everything survives a new store object (a restart).
/// </summary>
public abstract class ConceptTreeStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);
    private readonly List<SynthStores> _stores = [];
    private readonly string _job = "tree-" + Guid.NewGuid().ToString("N")[..8];

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    private async Task<IConceptTreeStore> NewStoreAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores.ConceptTree;
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

    private ConceptExpansionRecord Expanded(string path, string instance, params string[] children) =>
        new(_job, path, ConceptExpansionStatus.Expanded, [.. children.Select(c => new ConceptChild(c, 1))], instance, $"{_job}:concept:{path}", PromptTokens: 10, CompletionTokens: 5, CostUsd: 0.0001m, At: Now);

    [StoreFact]
    public async Task Of_two_instances_racing_for_a_node_exactly_one_claims_it()
    {
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? a : b).TryClaimExpansionAsync(_job, "physics", $"instance-{i}", Now, Now.AddMinutes(5), Ct)));

        Assert.Single(claims, c => c is null);
        Assert.All(claims.Where(c => c is not null), c => Assert.Equal(ConceptExpansionStatus.Pending, c!.Status));
    }

    [StoreFact]
    public async Task The_first_outcome_is_kept_and_every_instance_and_restart_reads_it()
    {
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        Assert.Null(await a.TryClaimExpansionAsync(_job, "physics", "a", Now, Now.AddMinutes(5), Ct));

        var kept = await a.CompleteExpansionAsync(Expanded("physics", "a", "optics", "mechanics"), Ct);
        var late = await b.CompleteExpansionAsync(Expanded("physics", "b", "other"), Ct);

        Assert.Equal(["optics", "mechanics"], kept.Children.Select(c => c.Name));
        Assert.Equal(["optics", "mechanics"], late.Children.Select(c => c.Name));
        Assert.Equal("a", late.Instance);
        var claimedAgain = await b.TryClaimExpansionAsync(_job, "physics", "b", Now.AddHours(1), Now.AddHours(2), Ct);
        Assert.Equal(ConceptExpansionStatus.Expanded, claimedAgain!.Status);

        var restarted = await NewStoreAsync();
        var stored = Assert.Single(await restarted.GetExpansionsAsync(_job, Ct));
        Assert.Equal(kept with { Children = stored.Children }, stored);
        Assert.Equal(kept.Children, stored.Children);
        Assert.Equal(0.0001m, stored.CostUsd);
    }

    [StoreFact]
    public async Task A_dead_claim_is_taken_over_only_after_its_lease_and_a_released_one_at_once()
    {
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        Assert.Null(await a.TryClaimExpansionAsync(_job, "physics", "a", Now, Now.AddMinutes(5), Ct));

        Assert.NotNull(await b.TryClaimExpansionAsync(_job, "physics", "b", Now.AddMinutes(4), Now.AddMinutes(9), Ct));
        Assert.Null(await b.TryClaimExpansionAsync(_job, "physics", "b", Now.AddMinutes(6), Now.AddMinutes(11), Ct));

        // Another instance's release does not drop b's claim; b's own does.
        await a.ReleaseExpansionAsync(_job, "physics", "a", Ct);
        Assert.NotNull(await a.TryClaimExpansionAsync(_job, "physics", "a", Now.AddMinutes(7), Now.AddMinutes(12), Ct));
        await b.ReleaseExpansionAsync(_job, "physics", "b", Ct);
        Assert.Null(await a.TryClaimExpansionAsync(_job, "physics", "a", Now.AddMinutes(7), Now.AddMinutes(12), Ct));
        // Pending claims are not part of the tree.
        Assert.Empty(await a.GetExpansionsAsync(_job, Ct));
    }

    [StoreFact]
    public async Task An_instance_restarted_under_its_name_takes_its_own_pending_claim_again_at_once()
    {
        var (before, after) = (await NewStoreAsync(), await NewStoreAsync());
        Assert.Null(await before.TryClaimExpansionAsync(_job, "physics", "generator-0", Now, Now.AddMinutes(30), Ct));

        Assert.NotNull(await after.TryClaimExpansionAsync(_job, "physics", "generator-1", Now.AddMinutes(1), Now.AddMinutes(31), Ct));
        Assert.Null(await after.TryClaimExpansionAsync(_job, "physics", "generator-0", Now.AddMinutes(1), Now.AddMinutes(31), Ct));
    }

    [StoreFact]
    public async Task Settled_nodes_come_back_parents_first_and_failures_with_their_reason()
    {
        var store = await NewStoreAsync();
        await store.CompleteExpansionAsync(Expanded("physics/optics", "a", "lenses"), Ct);
        await store.CompleteExpansionAsync(
            new ConceptExpansionRecord(_job, "biology", ConceptExpansionStatus.Failed, [], "a", Error: "refusal", RawResponse: "I'm sorry", At: Now), Ct);
        await store.CompleteExpansionAsync(Expanded("physics", "a", "optics"), Ct);
        await store.CompleteExpansionAsync(Expanded("", "a", "physics", "biology"), Ct);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.CompleteExpansionAsync(new ConceptExpansionRecord(_job, "x", ConceptExpansionStatus.Pending, [], "a"), Ct));

        var settled = await store.GetExpansionsAsync(_job, Ct);

        Assert.Equal(["", "biology", "physics", "physics/optics"], settled.Select(s => s.NodePath));
        Assert.Equal("refusal", settled[1].Error);
        Assert.Equal("I'm sorry", settled[1].RawResponse);
        Assert.Empty(await store.GetExpansionsAsync(_job + "-other", Ct));
    }

    [StoreFact]
    public async Task A_request_plan_is_recorded_once_and_read_back_after_a_restart()
    {
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        var first = new Dictionary<string, string> { ["topic"] = "physics/optics", ["level"] = "easy" };

        var results = await Task.WhenAll(
            a.RecordPlanAsync(_job, 7, first, Ct),
            b.RecordPlanAsync(_job, 7, new Dictionary<string, string> { ["topic"] = "biology" }, Ct));
        Assert.Equal(results[0], results[1]);
        await a.RecordPlanAsync(_job, 8, new Dictionary<string, string> { ["topic"] = "biology" }, Ct);

        var plans = await (await NewStoreAsync()).GetPlansAsync(_job, Ct);
        Assert.Equal([7L, 8L], plans.Keys.Order());
        Assert.Equal(results[0], plans[7]);
        Assert.Equal("biology", plans[8]["topic"]);
    }
}

public sealed class SqliteConceptTreeStoreTests(TempDirectoryFixture directory) : ConceptTreeStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "tree.db"));
}

/// <summary>Runs against the server at SYNTH_MONGO_URI; reported as skipped when it is not set.</summary>
[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoConceptTreeStoreTests(MongoDatabaseFixture database) : ConceptTreeStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}
