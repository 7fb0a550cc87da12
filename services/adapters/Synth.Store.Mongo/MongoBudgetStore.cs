using MongoDB.Bson;
using MongoDB.Driver;
using Synth.Contracts.Jobs;

namespace Synth.Store.Mongo;

// One document per job in "budgets": { _id: job, spent: totals, reserved: totals, calls: { <call id>: totals + instance } }.
// Keeping the reservations inside the job's document lets one conditional update check every limit and reserve
// atomically, which a separate reservations collection could not do without a transaction.
public sealed class MongoBudgetStore(MongoDatabaseContext context) : IBudgetStore
{
    private IMongoCollection<BsonDocument> Budgets => context.Database.GetCollection<BsonDocument>(MongoCollections.Budgets);

    public async Task<BudgetReservation> TryReserveAsync(
        string jobId, string callId, string instance, BudgetTotals worstCase, BudgetSpec limits,
        DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var (exists, spent, reserved, calls) = await ReadAsync(jobId, cancellationToken);
        if (!exists)
        {
            await Budgets.UpdateOneAsync(
                new BsonDocument("_id", jobId),
                new BsonDocument("$setOnInsert", new BsonDocument { ["spent"] = MongoBudget.Totals(default), ["reserved"] = MongoBudget.Totals(default), ["calls"] = new BsonDocument() }),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
        }

        foreach (var call in calls.Elements.Where(c => c.Value.AsBsonDocument.GetValue("expiresAt", long.MaxValue).ToInt64() < now.ToUnixTimeMilliseconds()))
        {
            await EndCallAsync(jobId, call.Name, call.Value.AsBsonDocument, default, cancellationToken);
        }

        var reserve = await Budgets.UpdateOneAsync(
            MongoBudget.ReserveFilter(jobId, callId, worstCase, limits),
            MongoBudget.ReserveUpdate(callId, instance, worstCase, expiresAt),
            cancellationToken: cancellationToken);
        if (reserve.ModifiedCount == 1)
        {
            return new BudgetReservation(true, spent, reserved + worstCase);
        }

        // Refused, or this call was reserved already: read what decided it.
        (_, spent, reserved, calls) = await ReadAsync(jobId, cancellationToken);
        return calls.Contains(callId)
            ? new BudgetReservation(true, spent, reserved)
            : new BudgetReservation(false, spent, reserved, (spent + reserved + worstCase).FirstLimitPassed(limits) ?? BudgetLimit.Requests);
    }

    public Task CommitAsync(string jobId, string callId, BudgetTotals actual, CancellationToken cancellationToken) =>
        EndCallAsync(jobId, callId, actual, cancellationToken);

    public Task ReleaseAsync(string jobId, string callId, CancellationToken cancellationToken) =>
        EndCallAsync(jobId, callId, default, cancellationToken);

    public async Task ReleaseInstanceAsync(string jobId, string instance, CancellationToken cancellationToken)
    {
        var (_, _, _, calls) = await ReadAsync(jobId, cancellationToken);
        foreach (var call in calls.Elements.Where(c => c.Value.AsBsonDocument.GetValue("instance", "").AsString == instance))
        {
            await EndCallAsync(jobId, call.Name, call.Value.AsBsonDocument, default, cancellationToken);
        }
    }

    public async Task<(BudgetTotals Spent, BudgetTotals Reserved)> GetBudgetAsync(string jobId, CancellationToken cancellationToken)
    {
        var (_, spent, reserved, _) = await ReadAsync(jobId, cancellationToken);
        return (spent, reserved);
    }

    private async Task EndCallAsync(string jobId, string callId, BudgetTotals actual, CancellationToken cancellationToken)
    {
        var (_, _, _, calls) = await ReadAsync(jobId, cancellationToken);
        if (calls.TryGetValue(callId, out var call))
        {
            await EndCallAsync(jobId, callId, call.AsBsonDocument, actual, cancellationToken);
        }
    }

    // Conditional on the reservation still being there: a second commit of the same call changes nothing.
    private Task EndCallAsync(string jobId, string callId, BsonDocument call, BudgetTotals actual, CancellationToken cancellationToken) =>
        Budgets.UpdateOneAsync(MongoBudget.CallFilter(jobId, callId), MongoBudget.EndUpdate(callId, MongoBudget.Read(call), actual), cancellationToken: cancellationToken);

    private async Task<(bool Exists, BudgetTotals Spent, BudgetTotals Reserved, BsonDocument Calls)> ReadAsync(string jobId, CancellationToken cancellationToken)
    {
        var document = await Budgets.Find(new BsonDocument("_id", jobId)).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? (false, default, default, new BsonDocument())
            : (true, MongoBudget.Read(document["spent"].AsBsonDocument), MongoBudget.Read(document["reserved"].AsBsonDocument), document["calls"].AsBsonDocument);
    }
}
