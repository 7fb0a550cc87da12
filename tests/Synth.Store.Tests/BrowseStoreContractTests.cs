using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>The <see cref="IBrowseStore"/> contract, on SQLite always and on MongoDB when SYNTH_MONGO_URI is set.</summary>
public abstract class BrowseStoreContractTests : IDisposable
{
    private readonly List<SynthStores> _stores = [];

    private static CancellationToken Ct => CancellationToken.None;

    protected abstract SynthStores CreateStores();

    /// <summary>New stores with their tables/indexes created, disposed after the test.</summary>
    private async Task<SynthStores> NewStoresAsync()
    {
        var stores = CreateStores();
        _stores.Add(stores);
        await stores.Samples.InitializeAsync(Ct);
        return stores;
    }

    private async Task<ISampleStore> NewStoreAsync() => (await NewStoresAsync()).Samples;

    /// <summary>
    /// Twelve samples of one job across every state, labels, rejection reasons and content fields, and a thirteenth
    /// the evaluator rejected over a label quota (rejected, but past the filter and the label refiner).
    /// </summary>
    internal static List<SampleDocument> Corpus(string jobId)
    {
        var samples = new List<SampleDocument>();
        for (var i = 0; i < 12; i++)
        {
            var state = (SampleState)(i % 5 + 1);
            var sample = Sample(jobId, i, 0, state, label: i % 2 == 0 ? "spam" : "ham");
            sample.Content.Text = i switch
            {
                3 => "Claim your FREE Cruise now",
                7 => null,
                _ => $"ordinary message {i}",
            };
            if (i == 7)
            {
                sample.Content.Turns = [new DialogueTurn { Role = "user", Text = "is the cruise free?" }];
            }
            if (state == SampleState.Rejected)
            {
                sample.Decisions.Add(new StageDecision
                {
                    Stage = Stage.Filter,
                    Outcome = SampleState.Rejected,
                    Reason = i < 5 ? "Near-duplicate of job-x-r000001-s000 (cosine 0.97)" : "too short: 3 words",
                    At = Updated,
                });
            }
            else if (state != SampleState.Generated)
            {
                // An accepted sample whose reason mentions the same words must not match a reject-reason filter.
                sample.Decisions.Add(new StageDecision { Stage = Stage.Filter, Outcome = SampleState.Accepted, Reason = "not a near-duplicate", At = Updated });
            }
            samples.Add(sample);
        }

        var overQuota = Sample(jobId, 12, 0, SampleState.Rejected, label: "spam");
        overQuota.Decisions =
        [
            new StageDecision { Stage = Stage.Filter, Outcome = SampleState.Accepted, At = Updated },
            new StageDecision { Stage = Stage.LabelRefiner, Outcome = SampleState.Refined, At = Updated },
            new StageDecision { Stage = Stage.Evaluator, Outcome = SampleState.Rejected, Reason = "label quota full: spam has 5 of 5 (task.labelShares)", At = Updated },
        ];
        samples.Add(overQuota);
        return samples;
    }

    private static readonly string[] Filters =
    [
        "all", "stage=generator", "stage=filter", "stage=label-refiner", "stage=evaluator", "decision=accepted",
        "decision=rejected", "stage=generator&decision=rejected", "stage=filter&decision=accepted", "stage=filter&decision=rejected",
        "stage=evaluator&decision=rejected", "reason=label quota", "label=ham",
        "reason=NEAR-DUPLICATE", "reason=too short", "q=cruise", "q=FREE cruise", "q=nothing like this",
        "label=spam&decision=accepted&q=ordinary", "q=%_",
    ];

    [StoreFact]
    public async Task Every_filter_returns_what_the_in_memory_rule_selects_and_paging_walks_each_once()
    {
        var jobId = NewJobId();
        var writer = await NewStoreAsync();
        var reader = (await NewStoresAsync()).Browse;
        var corpus = Corpus(jobId);
        foreach (var sample in corpus)
        {
            await writer.SaveSampleAsync(sample, Ct);
        }
        // Another job's samples are never listed.
        await writer.SaveSampleAsync(Sample(NewJobId(), 0, 0), Ct);

        foreach (var filter in Filters)
        {
            await AssertBrowsesAsync(reader, corpus, Parse(jobId, filter), filter);
        }
    }

    private static async Task AssertBrowsesAsync(IBrowseStore reader, List<SampleDocument> corpus, SampleBrowseQuery query, string filter)
    {
        var expected = corpus.Where(query.Matches).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
        var seen = new List<string>();
        var pages = 0;
        for (var page = query with { Limit = 2 }; ; pages++)
        {
            var result = await reader.BrowseSamplesAsync(page, Ct);
            Assert.True(result.Items.Count <= 2);
            seen.AddRange(result.Items.Select(s => s.Id));
            if (result.NextAfterId is null)
            {
                break;
            }
            page = page with { AfterId = result.NextAfterId };
        }

        Assert.True(expected.SequenceEqual(seen), $"{filter}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", seen)}]");
        Assert.Equal(Math.Max(1, (expected.Count + 1) / 2), pages + 1);
    }

    [StoreFact]
    public async Task Jobs_are_listed_in_id_order_page_by_page_with_their_documents()
    {
        var store = await NewStoreAsync();
        var other = (await NewStoresAsync()).Browse;
        var prefix = NewJobId();
        var ids = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var id in ids.AsEnumerable().Reverse())
        {
            var job = Job(id);
            job.Transitions.Add(new JobTransition(JobState.Submitted, JobState.Generating, Updated, "started"));
            await store.UpsertJobAsync(job, Ct);
        }

        // Other tests' jobs share the database: walk everything, keep ours.
        var listed = new List<JobDocument>();
        string? after = null;
        do
        {
            var page = await other.ListJobsAsync(after, 2, Ct);
            Assert.True(page.Items.Count <= 2);
            listed.AddRange(page.Items);
            after = page.NextAfterId;
        }
        while (after is not null);

        Assert.Equal(listed.Select(j => j.Id).Order(StringComparer.Ordinal), listed.Select(j => j.Id));
        Assert.Equal(listed.Count, listed.Select(j => j.Id).Distinct().Count());
        var ours = listed.Where(j => j.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(ids, ours.Select(j => j.Id));
        Assert.All(ours, job => Assert.Equal((JobState.Generating, "started"), (job.State, job.Transitions.Single().Reason)));
    }

    internal static SampleBrowseQuery Parse(string jobId, string filter)
    {
        var query = new SampleBrowseQuery { JobId = jobId };
        if (filter == "all")
        {
            return query;
        }

        foreach (var part in filter.Split('&'))
        {
            var (key, value) = (part[..part.IndexOf('=', StringComparison.Ordinal)], part[(part.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            query = key switch
            {
                "stage" => query with { Stage = Enum.GetValues<Stage>().Single(s => s.Name() == value) },
                "decision" => query with { Decision = Enum.Parse<SampleDecision>(value, ignoreCase: true) },
                "label" => query with { Label = value },
                "reason" => query with { RejectReason = value },
                "q" => query with { Text = value },
                _ => throw new ArgumentException($"Unknown filter '{key}'.", nameof(filter)),
            };
        }

        return query;
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

public sealed class SqliteBrowseStoreContractTests(TempDirectoryFixture directory) : BrowseStoreContractTests, IClassFixture<TempDirectoryFixture>
{
    protected override SynthStores CreateStores() => SqliteStores.Open(Path.Combine(directory.Path, "browse.db"));
}

[RequiresEnvironmentVariable(MongoDatabaseFixture.UriVariable)]
public sealed class MongoBrowseStoreContractTests(MongoDatabaseFixture database) : BrowseStoreContractTests, IClassFixture<MongoDatabaseFixture>
{
    protected override SynthStores CreateStores() =>
        MongoStores.Open(new MongoStoreOptions { ConnectionString = database.Uri!, Database = database.Database });
}

/// <summary>The in-memory rule itself (<see cref="SampleBrowseQuery.Matches"/>), on the corpus the stores are checked against.</summary>
public sealed class SampleBrowseQueryTests
{
    [Fact]
    public void The_in_memory_rule_selects_what_the_filters_say()
    {
        var corpus = BrowseStoreContractTests.Corpus("job-rule");
        int Count(string filter) => corpus.Count(BrowseStoreContractTests.Parse("job-rule", filter).Matches);

        Assert.Equal(13, Count("all"));
        Assert.Equal(5, Count("stage=filter")); // states 2 and 3 of i % 5: i = 1, 2, 6, 7, 11; not the quota's rejection
        Assert.Equal(3, Count("stage=evaluator")); // evaluated i = 4, 9, and the rejection over a label quota
        Assert.Equal(1, Count("stage=evaluator&decision=rejected"));
        Assert.Equal(3, Count("decision=rejected")); // i = 2, 7, and the rejection over a label quota
        Assert.Equal(0, Count("stage=generator&decision=rejected"));
        Assert.Equal(1, Count("reason=near-duplicate")); // i = 2 only; i = 7 was too short, accepted ones do not count
        Assert.Equal(2, Count("q=cruise")); // i = 3 (text) and i = 7 (a dialogue turn)
        Assert.Equal(0, Count("q=%_")); // SQL wildcards are literal characters
    }
}
