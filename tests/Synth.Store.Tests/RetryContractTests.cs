using Synth.Contracts.Samples;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Reopening_failed_requests_removes_their_records_and_keeps_each_as_a_failure()
    {
        var stores = await NewStoresAsync();
        var store = stores.Samples;
        var job = NewJobId();
        var sample = Sample(job, 0, 0);
        await store.SaveRequestAsync(Request(job, 0, [sample]), [sample], Ct);
        var failed = Request(job, 1, [], RequestStatus.Failed);
        failed.Error = "HTTP 500 after 3 attempts";
        failed.RawResponse = "upstream error";
        await store.SaveRequestAsync(failed, [], Ct);
        var at = new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero);

        var reopened = await stores.FailedRequests.ReopenFailedRequestsAsync(job, at, Ct);
        var again = await stores.FailedRequests.ReopenFailedRequestsAsync(job, at.AddMinutes(1), Ct);

        Assert.Equal(1, reopened);
        Assert.Equal(0, again);
        Assert.Equal([0L], await store.GetRecordedRequestIndexesAsync(job, Ct));
        var failure = Assert.Single((await store.QueryFailuresAsync(job, null, 10, Ct)).Items);
        Assert.Equal($"generator:{failed.Id}:retried-20261125T170000000Z", failure.Id);
        Assert.Equal(Stage.Generator, failure.Stage);
        Assert.Contains("HTTP 500 after 3 attempts", failure.Error, StringComparison.Ordinal);
        Assert.Contains("upstream error", failure.Error, StringComparison.Ordinal);
        Assert.NotNull(await store.GetSampleAsync(sample.Id, Ct));
    }
}
