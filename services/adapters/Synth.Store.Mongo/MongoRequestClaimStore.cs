using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

// One document per job in "generationPlans": { _id: job, planned, claimedTo, claims: { <start>: { end, instance, token, expiresAt } } }.
// The plan, the claim cursor and the leases in one document let one conditional update claim a block atomically,
// which separate collections could not do without a transaction (as the budget document does).
public sealed class MongoRequestClaimStore(MongoDatabaseContext context) : IRequestClaimStore
{
    private IMongoCollection<BsonDocument> Plans => context.Database.GetCollection<BsonDocument>(MongoCollections.GenerationPlans);

    public async Task<long> GetPlanAsync(string jobId, CancellationToken cancellationToken) =>
        (await ReadAsync(jobId, cancellationToken))?["planned"].ToInt64() ?? 0;

    public async Task<long> PlanAtLeastAsync(string jobId, long requests, CancellationToken cancellationToken)
    {
        var update = new BsonDocument
        {
            ["$max"] = new BsonDocument("planned", requests),
            ["$setOnInsert"] = new BsonDocument { ["claimedTo"] = 0L, ["claims"] = new BsonDocument() },
        };
        var after = await Plans.FindOneAndUpdateAsync<BsonDocument>(
            ById(jobId), update, new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, cancellationToken);
        return after["planned"].ToInt64();
    }

    public async Task<bool> TryExtendPlanAsync(string jobId, long from, long to, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument { ["_id"] = jobId, ["planned"] = from };
        var update = new BsonDocument("$set", new BsonDocument("planned", to));
        if (from != 0)
        {
            return (await Plans.UpdateOneAsync(filter, update, cancellationToken: cancellationToken)).MatchedCount == 1;
        }

        // No plan yet is a plan of 0: insert it, unless another instance's plan is there (the insert then collides).
        update["$setOnInsert"] = new BsonDocument { ["claimedTo"] = 0L, ["claims"] = new BsonDocument() };
        try
        {
            await Plans.UpdateOneAsync(filter, update, new UpdateOptions { IsUpsert = true }, cancellationToken);
            return true;
        }
        catch (MongoWriteException duplicate) when (duplicate.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<RequestClaim?> TryClaimAsync(
        string jobId, string instance, int blockSize, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        // Every failed update means another instance changed the document first: read it again and retry.
        while (true)
        {
            var plan = await ReadAsync(jobId, cancellationToken);
            if (plan is null)
            {
                return null;
            }

            var token = RequestClaims.NewToken();
            var claims = plan["claims"].AsBsonDocument;
            var expired = claims.Elements
                .Where(c => RequestClaims.IsExpired(DateTimeOffset.FromUnixTimeMilliseconds(c.Value["expiresAt"].ToInt64()), now))
                .OrderBy(c => long.Parse(c.Name, CultureInfo.InvariantCulture))
                .FirstOrDefault();
            if (expired.Name is { } name)
            {
                var lease = expired.Value.AsBsonDocument;
                var taken = await Plans.UpdateOneAsync(
                    LeaseFilter(jobId, name, lease["token"].AsString),
                    new BsonDocument("$set", new BsonDocument { [$"claims.{name}.instance"] = instance, [$"claims.{name}.token"] = token, [$"claims.{name}.expiresAt"] = expiresAt.ToUnixTimeMilliseconds() }),
                    cancellationToken: cancellationToken);
                if (taken.MatchedCount == 1)
                {
                    return new RequestClaim(jobId, long.Parse(name, CultureInfo.InvariantCulture), lease["end"].ToInt64(), token, expiresAt, TakenOver: true);
                }

                continue;
            }

            var claimedTo = plan["claimedTo"].ToInt64();
            if (RequestClaims.NextBlock(plan["planned"].ToInt64(), claimedTo, blockSize) is not var (start, end))
            {
                return null;
            }

            var key = start.ToString(CultureInfo.InvariantCulture);
            var claimed = await Plans.UpdateOneAsync(
                new BsonDocument { ["_id"] = jobId, ["claimedTo"] = claimedTo },
                new BsonDocument("$set", new BsonDocument
                {
                    ["claimedTo"] = end,
                    [$"claims.{key}"] = new BsonDocument { ["end"] = end, ["instance"] = instance, ["token"] = token, ["expiresAt"] = expiresAt.ToUnixTimeMilliseconds() },
                }),
                cancellationToken: cancellationToken);
            if (claimed.MatchedCount == 1)
            {
                return new RequestClaim(jobId, start, end, token, expiresAt, TakenOver: false);
            }
        }
    }

    public async Task<bool> RenewAsync(RequestClaim claim, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var renewed = await Plans.UpdateOneAsync(
            LeaseFilter(claim), new BsonDocument("$set", new BsonDocument($"claims.{Key(claim)}.expiresAt", expiresAt.ToUnixTimeMilliseconds())),
            cancellationToken: cancellationToken);
        return renewed.MatchedCount == 1;
    }

    public Task CompleteAsync(RequestClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return Plans.UpdateOneAsync(LeaseFilter(claim), new BsonDocument("$unset", new BsonDocument($"claims.{Key(claim)}", "")), cancellationToken: cancellationToken);
    }

    public Task ReleaseAsync(RequestClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return Plans.UpdateOneAsync(LeaseFilter(claim), new BsonDocument("$set", new BsonDocument($"claims.{Key(claim)}.expiresAt", 0L)), cancellationToken: cancellationToken);
    }

    public Task ReleaseInstanceAsync(string jobId, string instance, CancellationToken cancellationToken) =>
        ReleaseWhereAsync(jobId, lease => lease["instance"].AsString == instance, cancellationToken);

    public Task ReleaseAllAsync(string jobId, CancellationToken cancellationToken) => ReleaseWhereAsync(jobId, _ => true, cancellationToken);

    private async Task ReleaseWhereAsync(string jobId, Func<BsonDocument, bool> holds, CancellationToken cancellationToken)
    {
        if (await ReadAsync(jobId, cancellationToken) is not { } plan)
        {
            return;
        }

        foreach (var lease in plan["claims"].AsBsonDocument.Elements.Where(c => holds(c.Value.AsBsonDocument)))
        {
            await Plans.UpdateOneAsync(
                LeaseFilter(jobId, lease.Name, lease.Value["token"].AsString),
                new BsonDocument("$set", new BsonDocument($"claims.{lease.Name}.expiresAt", 0L)),
                cancellationToken: cancellationToken);
        }
    }

    private Task<BsonDocument?> ReadAsync(string jobId, CancellationToken cancellationToken) =>
        Plans.Find(ById(jobId)).FirstOrDefaultAsync(cancellationToken)!;

    private static BsonDocument ById(string jobId) => new("_id", jobId);

    private static string Key(RequestClaim claim) => claim.Start.ToString(CultureInfo.InvariantCulture);

    private static BsonDocument LeaseFilter(RequestClaim claim) => LeaseFilter(claim.JobId, Key(claim), claim.Token);

    private static BsonDocument LeaseFilter(string jobId, string key, string token) =>
        new() { ["_id"] = jobId, [$"claims.{key}.token"] = token };
}
