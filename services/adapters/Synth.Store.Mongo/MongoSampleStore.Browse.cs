using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>Job listing and the sample browser, paged by <c>_id</c>.</summary>
public sealed partial class MongoSampleStore : IBrowseStore
{
    public async Task<Page<JobDocument>> ListJobsAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var items = await _jobs.Find(MongoBrowseQueries.Jobs(afterId)).Sort(MongoBrowseQueries.JobOrder).Limit(limit + 1).ToListAsync(cancellationToken);
        return PageOf(items, limit, job => job.Id);
    }

    public async Task<Page<SampleDocument>> BrowseSamplesAsync(SampleBrowseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        if (query.States() is { Count: 0 })
        {
            return new Page<SampleDocument>([], null);
        }

        var items = await _samples.Find(MongoBrowseQueries.Samples(query)).Sort(MongoQueries.SampleSort).Limit(query.Limit + 1).ToListAsync(cancellationToken);
        return PageOf(items, query.Limit, sample => sample.Id);
    }

    /// <summary><paramref name="items"/> holds up to limit + 1: the extra one only says a next page exists.</summary>
    private static Page<T> PageOf<T>(List<T> items, int limit, Func<T, string> id) =>
        items.Count > limit ? new Page<T>(items[..limit], id(items[limit - 1])) : new Page<T>(items, null);
}

/// <summary>The browse filters as the server receives them; built here so tests can render them without a server.</summary>
public static class MongoBrowseQueries
{
    /// <summary>The content paths <see cref="SampleText.Of"/> reads.</summary>
    private static readonly string[] ContentPaths =
    [
        "content.text", "content.instruction", "content.input", "content.context", "content.question",
        "content.rationale", "content.answer", "content.response", "content.turns.text",
    ];

    public static SortDefinition<JobDocument> JobOrder { get; } = Builders<JobDocument>.Sort.Ascending(x => x.Id);

    public static FilterDefinition<JobDocument> Jobs(string? afterId) =>
        afterId is null ? Builders<JobDocument>.Filter.Empty : Builders<JobDocument>.Filter.Gt(x => x.Id, afterId);

    public static FilterDefinition<SampleDocument> Samples(SampleBrowseQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = Builders<SampleDocument>.Filter;
        var result = filter.Eq(x => x.JobId, query.JobId);
        if (query.States() is { } states)
        {
            result &= filter.In(x => x.State, states);
        }
        if (query.Label is not null)
        {
            result &= filter.Eq(x => x.Content.Label, query.Label);
        }
        if (query.RejectReason is not null)
        {
            result &= filter.ElemMatch(x => x.Decisions, Builders<StageDecision>.Filter.Eq(d => d.Outcome, SampleState.Rejected)
                & Builders<StageDecision>.Filter.Regex(d => d.Reason, Contains(query.RejectReason)));
        }
        if (query.Text is not null)
        {
            var pattern = Contains(query.Text);
            result &= filter.Or(ContentPaths.Select(path => filter.Regex(path, pattern)));
        }
        if (query.AfterId is not null)
        {
            result &= filter.Gt(x => x.Id, query.AfterId);
        }
        return result;
    }

    /// <summary>A literal "contains", case-insensitive: the user's text is escaped, never run as a pattern.</summary>
    private static BsonRegularExpression Contains(string text) => new(Regex.Escape(text), "i");
}
