using Synth.Contracts.Samples;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>
/// The batch reads and writes a stage's messages in flight share: each item behaves exactly as its single call would,
/// and one item's conflict or absence does not affect the others.
/// </summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task A_batch_read_returns_each_id_in_order_with_null_for_the_missing_and_a_copy_per_repeat()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var (first, second) = (Sample(jobId, 0, 0), Sample(jobId, 0, 1));
        await store.SaveSampleAsync(first, Ct);
        await store.SaveSampleAsync(second, Ct);
        var missing = SampleIds.For(jobId, 9, 9);

        var read = await store.GetSamplesAsync([second.Id, missing, first.Id, second.Id], Ct);

        Assert.Equal(4, read.Count);
        AssertSame(second, read[0]);
        Assert.Null(read[1]);
        AssertSame(first, read[2]);
        AssertSame(second, read[3]);
        // A caller changes its copy in place: an id asked twice must not hand out one shared object.
        Assert.NotSame(read[0], read[3]);
        Assert.Empty(await store.GetSamplesAsync([], Ct));
    }

    [StoreFact]
    public async Task A_batch_of_compare_and_sets_writes_each_whose_version_still_holds_and_only_those()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var samples = Enumerable.Range(0, 3).Select(i => Sample(jobId, 0, i)).ToList();
        foreach (var sample in samples)
        {
            await store.SaveSampleAsync(sample, Ct);
        }

        var read = (await store.GetSamplesAsync([.. samples.Select(s => s.Id)], Ct)).Select(s => s!).ToList();
        var meanwhile = (await store.GetSampleAsync(samples[1].Id, Ct))!;
        meanwhile.Content.Label = "ham";
        Assert.True(await store.TryReplaceSampleAsync(meanwhile, meanwhile.Version, Ct));
        foreach (var sample in read)
        {
            sample.State = SampleState.Accepted;
        }

        var written = await store.TryReplaceSamplesAsync(
            [.. read.Select(s => new SampleReplacement(s, s.Version)), new SampleReplacement(Sample(jobId, 9, 9), 0)], Ct);

        Assert.Equal([true, false, true, false], written);
        Assert.Equal([2L, 1L, 2L], read.Select(s => s.Version));
        AssertSame(read[0], await store.GetSampleAsync(read[0].Id, Ct));
        AssertSame(meanwhile, await store.GetSampleAsync(read[1].Id, Ct));
        AssertSame(read[2], await store.GetSampleAsync(read[2].Id, Ct));
        Assert.Null(await store.GetSampleAsync(SampleIds.For(jobId, 9, 9), Ct));
        Assert.Empty(await store.TryReplaceSamplesAsync([], Ct));
    }

    [StoreFact]
    public async Task Two_compare_and_sets_of_one_sample_in_one_batch_write_the_first_only()
    {
        var store = await NewStoreAsync();
        var sample = Sample(NewJobId(), 0, 0);
        await store.SaveSampleAsync(sample, Ct);
        var (one, other) = ((await store.GetSampleAsync(sample.Id, Ct))!, (await store.GetSampleAsync(sample.Id, Ct))!);
        one.Content.Label = "one";
        other.Content.Label = "other";

        Assert.Equal([true, false], await store.TryReplaceSamplesAsync([new(one, one.Version), new(other, other.Version)], Ct));
        AssertSame(one, await store.GetSampleAsync(sample.Id, Ct));
    }

    [StoreFact]
    public async Task A_batch_of_request_writes_stores_each_request_with_its_samples()
    {
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var first = Enumerable.Range(0, 2).Select(i => Sample(jobId, 0, i)).ToList();
        var second = Enumerable.Range(0, 3).Select(i => Sample(jobId, 1, i)).ToList();
        var failed = Request(jobId, 2, [], RequestStatus.Failed);

        await store.SaveRequestsAsync([new(Request(jobId, 0, first), first), new(Request(jobId, 1, second), second), new(failed, [])], Ct);

        foreach (var sample in first.Concat(second))
        {
            AssertSame(sample, await store.GetSampleAsync(sample.Id, Ct));
        }
        Assert.Equal(new HashSet<long> { 0, 1, 2 }, await store.GetRecordedRequestIndexesAsync(jobId, Ct));
        var counts = await store.CountAsync(jobId, Ct);
        Assert.Equal((2L, 1L, 5L), (counts.RequestsSucceeded, counts.RequestsFailed, counts.TotalSamples));
        await store.SaveRequestsAsync([], Ct);
    }
}
