using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

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
        if (query.StageOrdinal() is { } ordinal)
        {
            result &= filter.Eq(MongoDocuments.StageOrdinal, ordinal);
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
