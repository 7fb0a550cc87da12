using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;

namespace Synth.Store.Mongo;

/// <summary>The budget document's filters and updates, as pure functions so they are tested without a server.</summary>
internal static class MongoBudget
{
    public static BsonDocument Totals(BudgetTotals totals) => new()
    {
        ["requests"] = totals.Requests,
        ["tokens"] = totals.Tokens,
        ["cost"] = new BsonDecimal128(totals.CostUsd),
    };

    public static BudgetTotals Read(BsonDocument totals) =>
        new(totals["requests"].ToInt64(), totals["tokens"].ToInt64(), totals["cost"].ToDecimal());

    public static BsonDocument CallFilter(string jobId, string callId) =>
        new() { ["_id"] = jobId, [$"calls.{callId}"] = new BsonDocument("$exists", true) };

    /// <summary>Matches only while spent + reserved + the worst case stays within every limit the spec sets.</summary>
    public static BsonDocument ReserveFilter(string jobId, string callId, BudgetTotals worstCase, BudgetSpec limits)
    {
        var within = new BsonArray();
        if (limits.MaxRequests is { } requests)
        {
            within.Add(AtMost("requests", worstCase.Requests, requests));
        }

        if (limits.MaxTokens is { } tokens)
        {
            within.Add(AtMost("tokens", worstCase.Tokens, tokens));
        }

        if (limits.MaxCostUsd is { } cost)
        {
            within.Add(AtMost("cost", new BsonDecimal128(worstCase.CostUsd), new BsonDecimal128(cost)));
        }

        var filter = new BsonDocument { ["_id"] = jobId, [$"calls.{callId}"] = new BsonDocument("$exists", false) };
        if (within.Count > 0)
        {
            filter["$expr"] = new BsonDocument("$and", within);
        }

        return filter;
    }

    public static BsonDocument ReserveUpdate(string callId, string instance, BudgetTotals worstCase, DateTimeOffset expiresAt)
    {
        var call = Totals(worstCase);
        call["instance"] = instance;
        call["expiresAt"] = expiresAt.ToUnixTimeMilliseconds();
        return new BsonDocument
        {
            ["$inc"] = new BsonDocument
            {
                ["reserved.requests"] = worstCase.Requests,
                ["reserved.tokens"] = worstCase.Tokens,
                ["reserved.cost"] = new BsonDecimal128(worstCase.CostUsd),
            },
            ["$set"] = new BsonDocument($"calls.{callId}", call),
        };
    }

    public static BsonDocument EndUpdate(string callId, BudgetTotals reserved, BudgetTotals actual) => new()
    {
        ["$inc"] = new BsonDocument
        {
            ["reserved.requests"] = -reserved.Requests,
            ["reserved.tokens"] = -reserved.Tokens,
            ["reserved.cost"] = new BsonDecimal128(-reserved.CostUsd),
            ["spent.requests"] = actual.Requests,
            ["spent.tokens"] = actual.Tokens,
            ["spent.cost"] = new BsonDecimal128(actual.CostUsd),
        },
        ["$unset"] = new BsonDocument($"calls.{callId}", ""),
    };

    private static BsonDocument AtMost(string field, BsonValue amount, BsonValue limit) =>
        new("$lte", new BsonArray { new BsonDocument("$add", new BsonArray { $"$spent.{field}", $"$reserved.{field}", amount }), limit });
}
