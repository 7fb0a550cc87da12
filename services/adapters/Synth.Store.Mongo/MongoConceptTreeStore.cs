using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Synth.Store.Mongo;

/// <summary>
/// The grown concept tree and the recorded request plans on MongoDB. Each node is one document keyed by (job, path):
/// a claim is an insert (the unique _id lets one instance win), a dead claim is taken over only by a conditional
/// update on its expired lease, and an outcome is written only over a pending document (an upsert that collides
/// with a settled one leaves it as it was: first writer wins).
/// </summary>
public sealed class MongoConceptTreeStore(MongoDatabaseContext context) : IConceptTreeStore
{
    public async Task<ConceptExpansionRecord?> TryClaimExpansionAsync(
        string jobId, string nodePath, string instance, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var expansions = context.Database.GetCollection<BsonDocument>(MongoConceptTree.Expansions);
        var claim = new ConceptExpansionRecord(jobId, nodePath, ConceptExpansionStatus.Pending, [], instance, At: now);
        try
        {
            await expansions.InsertOneAsync(MongoConceptTree.ExpansionDocument(claim, leaseUntil), cancellationToken: cancellationToken);
            return null;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Stored already: claimed by someone, or settled.
        }

        var takeOver = await expansions.UpdateOneAsync(
            MongoConceptTree.AbandonedClaim(jobId, nodePath, instance, now),
            MongoConceptTree.Claim(claim, leaseUntil),
            cancellationToken: cancellationToken);
        if (takeOver.MatchedCount == 1)
        {
            return null;
        }

        var stored = await expansions.Find(MongoConceptTree.Node(jobId, nodePath)).FirstOrDefaultAsync(cancellationToken);
        return stored is null ? claim : MongoConceptTree.ToRecord(stored);
    }

    public async Task<ConceptExpansionRecord> CompleteExpansionAsync(ConceptExpansionRecord outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status == ConceptExpansionStatus.Pending)
        {
            throw new ArgumentException("an outcome is Expanded or Failed", nameof(outcome));
        }

        var expansions = context.Database.GetCollection<BsonDocument>(MongoConceptTree.Expansions);
        try
        {
            await expansions.UpdateOneAsync(
                MongoConceptTree.PendingNode(outcome.JobId, outcome.NodePath),
                MongoConceptTree.Settle(outcome),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            return outcome;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // The node is settled already (the filter did not match and the upsert's insert collided): keep that one.
            var stored = await expansions.Find(MongoConceptTree.Node(outcome.JobId, outcome.NodePath)).FirstAsync(cancellationToken);
            return MongoConceptTree.ToRecord(stored);
        }
    }

    public Task ReleaseExpansionAsync(string jobId, string nodePath, string instance, CancellationToken cancellationToken) =>
        context.Database.GetCollection<BsonDocument>(MongoConceptTree.Expansions)
            .DeleteOneAsync(MongoConceptTree.OwnClaim(jobId, nodePath, instance), cancellationToken);

    public async Task<IReadOnlyList<ConceptExpansionRecord>> GetExpansionsAsync(string jobId, CancellationToken cancellationToken)
    {
        var settled = await context.Database.GetCollection<BsonDocument>(MongoConceptTree.Expansions)
            .Find(MongoConceptTree.Settled(jobId)).ToListAsync(cancellationToken);
        return ConceptExpansionOrder.Sort(settled.Select(MongoConceptTree.ToRecord));
    }

    public async Task<IReadOnlyDictionary<string, string>> RecordPlanAsync(
        string jobId, long requestIndex, IReadOnlyDictionary<string, string> conditions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var plans = context.Database.GetCollection<BsonDocument>(MongoConceptTree.Plans);
        var options = new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        BsonDocument stored;
        try
        {
            stored = await plans.FindOneAndUpdateAsync(
                MongoConceptTree.Plan(jobId, requestIndex), MongoConceptTree.RecordPlan(jobId, requestIndex, conditions), options, cancellationToken);
        }
        catch (MongoCommandException e) when (e.Code == MongoDedup.DuplicateKeyCode)
        {
            // Two upserts of one plan raced; the other inserted first, and its conditions are the ones kept.
            stored = await plans.Find(MongoConceptTree.Plan(jobId, requestIndex)).FirstAsync(cancellationToken);
        }

        return MongoConceptTree.Conditions(stored);
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyDictionary<string, string>>> GetPlansAsync(string jobId, CancellationToken cancellationToken)
    {
        var stored = await context.Database.GetCollection<BsonDocument>(MongoConceptTree.Plans)
            .Find(MongoConceptTree.PlansOf(jobId)).ToListAsync(cancellationToken);
        return stored.ToDictionary(d => d[MongoConceptTree.RequestIndex].ToInt64(), MongoConceptTree.Conditions);
    }

    /// <summary>Called by <see cref="MongoDatabaseContext.InitializeAsync"/>.</summary>
    internal static async Task CreateIndexesAsync(MongoDatabaseContext context, CancellationToken cancellationToken)
    {
        await context.Database.GetCollection<BsonDocument>(MongoConceptTree.Expansions).Indexes.CreateOneAsync(MongoConceptTree.ExpansionIndex(), cancellationToken: cancellationToken);
        await context.Database.GetCollection<BsonDocument>(MongoConceptTree.Plans).Indexes.CreateOneAsync(MongoConceptTree.PlanIndex(), cancellationToken: cancellationToken);
    }
}
