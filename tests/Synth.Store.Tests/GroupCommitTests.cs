namespace Synth.Store.Tests;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task A_lone_item_is_written_at_once_and_items_arriving_meanwhile_share_the_next_batch()
    {
        var batches = new List<IReadOnlyList<int>>();
        var firstStarted = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            if (items.Contains(0))
            {
                firstStarted.SetResult();
                await releaseFirst.Task;
            }

            return [.. items.Select(i => i * 10)];
        });

        var first = commit.SubmitAsync(0, CancellationToken.None);
        await firstStarted.Task;
        var later = Enumerable.Range(1, 5).Select(i => commit.SubmitAsync(i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        Assert.Equal(0, await first);
        var results = await Task.WhenAll(later);
        Assert.Equal([10, 20, 30, 40, 50], results);
        Assert.Equal([[0], [1, 2, 3, 4, 5]], batches);
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_callers_and_the_next_batch_runs()
    {
        var calls = 0;
        var commit = new GroupCommit<int, int>((items, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("store down")
            : Task.FromResult<IReadOnlyList<int>>([.. items]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.SubmitAsync(1, CancellationToken.None));
        Assert.Equal(2, await commit.SubmitAsync(2, CancellationToken.None));
    }

    [Fact]
    public async Task Batches_never_exceed_their_maximum()
    {
        var gate = new TaskCompletionSource();
        var sizes = new List<int>();
        var commit = new GroupCommit<int, int>(async (items, _) =>
        {
            lock (sizes)
            {
                sizes.Add(items.Count);
            }

            await gate.Task;
            return [.. items];
        }, maxBatch: 3);

        var all = Enumerable.Range(0, 10).Select(i => commit.SubmitAsync(i, CancellationToken.None)).ToList();
        gate.SetResult();

        var results = await Task.WhenAll(all);
        Assert.Equal(Enumerable.Range(0, 10), results);
        Assert.All(sizes, size => Assert.InRange(size, 1, 3));
        Assert.Equal(10, sizes.Sum());
    }
}
