using Synth.Contracts.Samples;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>The sample's version: every write increments it; a compare-and-set write succeeds only on the version read.</summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task Every_write_increments_the_version_and_hands_it_to_the_writer()
    {
        var store = await NewStoreAsync();
        var sample = Sample(NewJobId(), 0, 0);

        Assert.True(await store.SaveSampleAsync(sample, Ct));
        Assert.Equal(1, sample.Version);
        var refined = WithState(sample, SampleState.Refined);
        Assert.True(await store.SaveSampleAsync(refined, Ct));
        Assert.Equal(2, refined.Version);
        // A stale write changes nothing, the version included.
        Assert.False(await store.SaveSampleAsync(WithState(sample, SampleState.Accepted), Ct));

        var stored = (await store.GetSampleAsync(sample.Id, Ct))!;
        Assert.Equal(2, stored.Version);
        stored.Weight = 3;
        Assert.True(await store.TryReplaceSampleAsync(stored, stored.Version, Ct));
        Assert.Equal(3, stored.Version);
        AssertSame(stored, await store.GetSampleAsync(sample.Id, Ct));
    }

    [StoreFact]
    public async Task A_compare_and_set_on_a_version_that_is_no_longer_stored_writes_nothing()
    {
        var store = await NewStoreAsync();
        var sample = Sample(NewJobId(), 0, 0);
        await store.SaveSampleAsync(sample, Ct);
        var read = (await store.GetSampleAsync(sample.Id, Ct))!;
        var meanwhile = (await store.GetSampleAsync(sample.Id, Ct))!;
        meanwhile.Content.Label = "ham";
        Assert.True(await store.TryReplaceSampleAsync(meanwhile, meanwhile.Version, Ct));

        read.State = SampleState.Accepted;
        Assert.False(await store.TryReplaceSampleAsync(read, read.Version, Ct));
        Assert.Equal(1, read.Version);
        Assert.False(await store.TryReplaceSampleAsync(Sample(sample.JobId, 9, 9), 0, Ct));

        AssertSame(meanwhile, await store.GetSampleAsync(sample.Id, Ct));
        Assert.Null(await store.GetSampleAsync(SampleIds.For(sample.JobId, 9, 9), Ct));
    }

    [StoreFact]
    public async Task Concurrent_read_change_compare_and_set_writers_lose_no_change()
    {
        const int writers = 6;
        const int changesEach = 5;
        var stores = new[] { await NewStoreAsync(), await NewStoreAsync() };
        var sample = Sample(NewJobId(), 0, 0);
        await stores[0].SaveSampleAsync(sample, Ct);

        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var store = stores[writer % stores.Length];
            for (var change = 0; change < changesEach; change++)
            {
                // Read, change, write only if nobody wrote between; else read again.
                while (true)
                {
                    var read = (await store.GetSampleAsync(sample.Id, Ct))!;
                    read.LabelHistory.Add(new LabelChange { To = $"{writer}/{change}", Method = LabelMethod.HumanReview });
                    if (await store.TryReplaceSampleAsync(read, read.Version, Ct))
                    {
                        break;
                    }
                }
            }
        })));

        var stored = (await stores[1].GetSampleAsync(sample.Id, Ct))!;
        Assert.Equal(writers * changesEach, stored.LabelHistory.Select(c => c.To).Distinct().Count());
        Assert.Equal(1 + writers * changesEach, stored.Version);
    }
}
