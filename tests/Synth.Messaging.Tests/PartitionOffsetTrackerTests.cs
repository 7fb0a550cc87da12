using Synth.Messaging;

namespace Synth.Messaging.Tests;

public class PartitionOffsetTrackerTests
{
    private readonly PartitionOffsetTracker _tracker = new();

    public PartitionOffsetTrackerTests()
    {
        _tracker.Assign("t", 0);
        _tracker.Assign("t", 1);
    }

    [Fact]
    public void In_order_completion_stores_each_next_offset()
    {
        var a = _tracker.Start("t", 0, 10);
        var b = _tracker.Start("t", 0, 11);

        Assert.Equal(11, _tracker.Complete(a));
        Assert.Equal(12, _tracker.Complete(b));
        Assert.Equal(0, _tracker.InFlight("t", 0));
    }

    [Fact]
    public void A_later_message_finishing_first_stores_nothing_until_the_earlier_one_finishes()
    {
        var a = _tracker.Start("t", 0, 5);
        var b = _tracker.Start("t", 0, 6);
        var c = _tracker.Start("t", 0, 7);

        Assert.Null(_tracker.Complete(c));
        Assert.Null(_tracker.Complete(b));
        Assert.Empty(_tracker.DrainStorable());
        Assert.Equal(8, _tracker.Complete(a));
        Assert.Equal([new StorableOffset("t", 0, 8)], _tracker.DrainStorable());
    }

    [Fact]
    public void Gaps_in_offsets_are_fine()
    {
        var a = _tracker.Start("t", 0, 100);
        var b = _tracker.Start("t", 0, 205);

        Assert.Null(_tracker.Complete(b));
        Assert.Equal(206, _tracker.Complete(a));
    }

    [Fact]
    public void Partitions_are_independent()
    {
        var p0 = _tracker.Start("t", 0, 1);
        var p1 = _tracker.Start("t", 1, 1);

        Assert.Equal(2, _tracker.Complete(p1));
        Assert.Equal([new StorableOffset("t", 1, 2)], _tracker.DrainStorable());
        Assert.Equal(1, _tracker.InFlight("t", 0));
        Assert.Equal(2, _tracker.Complete(p0));
    }

    [Fact]
    public void Drain_hands_out_only_the_newest_offset_once()
    {
        _tracker.Complete(_tracker.Start("t", 0, 1));
        _tracker.Complete(_tracker.Start("t", 0, 2));

        Assert.Equal([new StorableOffset("t", 0, 3)], _tracker.DrainStorable());
        Assert.Empty(_tracker.DrainStorable());
    }

    [Fact]
    public void A_failed_message_that_never_completes_holds_back_the_partition()
    {
        _tracker.Start("t", 0, 1);
        var later = _tracker.Start("t", 0, 2);

        Assert.Null(_tracker.Complete(later));
        Assert.Empty(_tracker.DrainStorable());
        Assert.Equal(2, _tracker.InFlight("t", 0));
    }

    [Fact]
    public void Completions_after_revocation_are_ignored()
    {
        var a = _tracker.Start("t", 0, 1);
        _tracker.Complete(_tracker.Start("t", 1, 1));
        _tracker.Revoke("t", 0);

        Assert.Null(_tracker.Complete(a));
        Assert.Equal([new StorableOffset("t", 1, 2)], _tracker.DrainStorable());
    }

    [Fact]
    public void Completions_from_an_earlier_assignment_do_not_touch_the_new_one()
    {
        var old = _tracker.Start("t", 0, 7);
        _tracker.Revoke("t", 0);
        _tracker.Assign("t", 0);
        var redelivered = _tracker.Start("t", 0, 7);

        Assert.Null(_tracker.Complete(old));
        Assert.Equal(1, _tracker.InFlight("t", 0));
        Assert.Equal(8, _tracker.Complete(redelivered));
    }

    [Fact]
    public void Reassignment_forgets_storable_offsets_of_the_earlier_assignment()
    {
        _tracker.Complete(_tracker.Start("t", 0, 3));
        _tracker.Revoke("t", 0);
        _tracker.Assign("t", 0);

        Assert.Empty(_tracker.DrainStorable());
    }

    [Fact]
    public void Starting_an_unassigned_partition_or_a_non_increasing_offset_throws()
    {
        _tracker.Start("t", 0, 5);

        Assert.Throws<InvalidOperationException>(() => _tracker.Start("t", 9, 1));
        Assert.Throws<InvalidOperationException>(() => _tracker.Start("t", 0, 5));
        Assert.Throws<InvalidOperationException>(() => _tracker.Start("t", 0, 4));
    }

    [Fact]
    public async Task Concurrent_random_completion_order_ends_with_the_last_offset()
    {
        var started = Enumerable.Range(0, 2000).Select(i => _tracker.Start("t", 0, i)).ToArray();
        var shuffled = started.OrderBy(_ => Random.Shared.Next()).ToArray();

        await Task.WhenAll(shuffled.Chunk(100).Select(chunk => Task.Run(() =>
        {
            foreach (var tracked in chunk)
            {
                _tracker.Complete(tracked);
            }
        })));

        Assert.Equal([new StorableOffset("t", 0, 2000)], _tracker.DrainStorable());
        Assert.Equal(0, _tracker.InFlight("t", 0));
    }
}
