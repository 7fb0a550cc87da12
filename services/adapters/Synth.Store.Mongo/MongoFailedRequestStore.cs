using MongoDB.Driver;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

public sealed class MongoFailedRequestStore(MongoDatabaseContext context, ISampleStore samples) : IFailedRequestStore
{
    public async Task<int> ReopenFailedRequestsAsync(string jobId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var failed = await context.Requests.Find(x => x.JobId == jobId && x.Status == RequestStatus.Failed).ToListAsync(cancellationToken);
        foreach (var request in failed)
        {
            // The failure is kept before the record goes, so a crash in between loses nothing (a rerun repeats both).
            await samples.SaveFailureAsync(FailedRequests.Archive(request, at), cancellationToken);
            await context.Requests.DeleteOneAsync(x => x.Id == request.Id && x.Status == RequestStatus.Failed, cancellationToken);
        }

        return failed.Count;
    }
}
