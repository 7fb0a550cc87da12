using Synth.Delivery;

namespace Synth.Delivery.Tests;

public sealed class JobDatasetTests
{
    private const string Job = "job-a";
    private static readonly ShardPolicy Policy = new(MaxRows: 3, MaxBytes: 1_000_000, MaxAge: TimeSpan.FromSeconds(30));
    private static readonly DateTimeOffset T0 = Records.Now;

    private static RecordOrigin At(long offset, int partition = 0) => new("synth.samples.curated", partition, offset);

    /// <summary>Takes the due plan and commits it as if written, returning the acknowledgements.</summary>
    private static (SealPlan<int>? Plan, IReadOnlyList<int> Acks) Seal(JobDataset<int> dataset, DateTimeOffset now, bool everything = false)
    {
        var plan = dataset.TakeDue(now, everything);
        if (plan is null)
        {
            return (null, []);
        }

        var manifest = dataset.NextManifest(plan, [.. plan.Shards.Select(s => new WrittenShard(s.Path, 100, "ab"))], now);
        return (plan, dataset.Committed(plan, manifest));
    }

    [Fact]
    public void A_shard_is_due_at_its_row_limit_and_nothing_is_acknowledged_before()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        Assert.Equal(Admission.Pending, dataset.Offer(Records.Row(Job, 0), At(0), 0, T0));
        Assert.Equal(Admission.Pending, dataset.Offer(Records.Row(Job, 1), At(1), 1, T0));
        Assert.Null(dataset.TakeDue(T0));

        dataset.Offer(Records.Row(Job, 2), At(2), 2, T0);
        var (plan, acks) = Seal(dataset, T0);

        var shard = Assert.Single(plan!.Shards);
        Assert.Equal("data/train-p0-00000-w1.parquet", shard.Path);
        Assert.Equal(3, shard.Rows.Count);
        Assert.Equal([0, 1, 2], acks);
        Assert.Equal(3, dataset.Manifest.Rows);
        Assert.Equal(2, dataset.Manifest.Watermarks["synth.samples.curated/0"]);
    }

    [Fact]
    public void A_shard_is_due_at_its_byte_limit_or_its_age()
    {
        var small = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy with { MaxBytes = 10 });
        small.Offer(Records.Row(Job, 0), At(0), 0, T0);
        Assert.NotNull(small.TakeDue(T0));

        var slow = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        slow.Offer(Records.Row(Job, 0), At(0), 0, T0);
        Assert.Null(slow.TakeDue(T0.AddSeconds(29)));
        Assert.NotNull(slow.TakeDue(T0.AddSeconds(30)));
    }

    [Fact]
    public void Each_split_rolls_its_own_numbered_shards()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy with { MaxRows = 1 });
        dataset.Offer(Records.Row(Job, 0, split: "train"), At(0), 0, T0);
        dataset.Offer(Records.Row(Job, 1, split: "test"), At(1), 1, T0);
        Seal(dataset, T0);
        dataset.Offer(Records.Row(Job, 2, split: "train"), At(2), 2, T0);
        Seal(dataset, T0);

        Assert.Equal(["data/test-p0-00000-w1.parquet", "data/train-p0-00000-w1.parquet", "data/train-p0-00001-w1.parquet"], dataset.Manifest.Shards.Select(s => s.Path));
    }

    [Fact]
    public void A_redelivered_version_the_manifest_holds_is_acknowledged_without_a_row()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 0, T0);
        Seal(dataset, T0, everything: true);

        Assert.Equal(Admission.AlreadyIn, dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 9, T0));
        Assert.Equal(Admission.AlreadyIn, dataset.Offer(Records.Row(Job, 0, version: 3), At(0), 9, T0));
        Assert.Equal(0, dataset.BufferedRows);
    }

    [Fact]
    public void A_newer_version_supersedes_the_committed_row_in_the_manifest_when_its_own_shard_is_sealed()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 0, T0);
        dataset.Offer(Records.Row(Job, 1, version: 4), At(1), 1, T0);
        Seal(dataset, T0, everything: true);

        dataset.Offer(Records.Row(Job, 0, version: 6), At(2), 2, T0);
        // Not sealed yet: the old row still counts, so a reader never sees the sample missing.
        Assert.Empty(dataset.Manifest.Superseded);
        Seal(dataset, T0, everything: true);

        Assert.Equal([new SupersededRow("data/train-p0-00000-w1.parquet", Records.Row(Job, 0).SampleId, 6)], dataset.Manifest.Superseded);
        Assert.Equal(2, dataset.Manifest.Rows);
    }

    [Fact]
    public void Two_versions_before_a_seal_become_one_row_of_the_newer_and_both_complete_with_it()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        dataset.Offer(Records.Row(Job, 0, version: 5), At(1), 1, T0);
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 0, T0);

        var (plan, acks) = Seal(dataset, T0, everything: true);

        Assert.Equal(5, Assert.Single(Assert.Single(plan!.Shards).Rows).Version);
        Assert.Equal([1, 0], acks);
    }

    [Fact]
    public void A_tombstone_supersedes_the_committed_row_and_drops_a_buffered_one()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 0, T0);
        Seal(dataset, T0, everything: true);
        dataset.Offer(Records.Row(Job, 1, version: 4), At(1), 1, T0);

        Assert.Equal(Admission.Pending, dataset.Remove(Records.Row(Job, 0).SampleId, 7, At(2), 2, T0));
        Assert.Equal(Admission.Pending, dataset.Remove(Records.Row(Job, 1).SampleId, 5, At(3), 3, T0));
        var (plan, acks) = Seal(dataset, T0, everything: true);

        Assert.Empty(plan!.Shards);
        Assert.Equal([new SupersededRow("data/train-p0-00000-w1.parquet", Records.Row(Job, 0).SampleId, 7)], dataset.Manifest.Superseded);
        Assert.Equal([1, 2, 3], acks.Order());
        Assert.Equal(0, dataset.Manifest.Rows);
        // An older record redelivered after the removal does not bring the sample back.
        Assert.Equal(Admission.AlreadyIn, dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 9, T0));
    }

    [Fact]
    public void A_restored_dataset_knows_what_its_manifest_holds()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 0, T0);
        dataset.Offer(Records.Row(Job, 1, version: 4), At(1), 1, T0);
        Seal(dataset, T0, everything: true);
        dataset.Offer(Records.Row(Job, 0, version: 6), At(2), 2, T0);
        Seal(dataset, T0, everything: true);
        dataset.Remove(Records.Row(Job, 1).SampleId, 8, At(3), 3, T0);
        Seal(dataset, T0, everything: true);
        var rows = new List<(string, string, long)>
        {
            ("data/train-p0-00000-w1.parquet", Records.Row(Job, 0).SampleId, 4),
            ("data/train-p0-00000-w1.parquet", Records.Row(Job, 1).SampleId, 4),
            ("data/train-p0-00001-w1.parquet", Records.Row(Job, 0).SampleId, 6),
        };

        var restored = JobDataset<int>.Restore(dataset.Manifest, "w2", rows, Policy);

        Assert.Equal(Admission.AlreadyIn, restored.Offer(Records.Row(Job, 0, version: 6), At(2), 0, T0));
        Assert.Equal(Admission.AlreadyIn, restored.Offer(Records.Row(Job, 1, version: 4), At(1), 0, T0));
        Assert.Equal(Admission.Pending, restored.Offer(Records.Row(Job, 0, version: 7), At(4), 0, T0));
        Seal(restored, T0, everything: true);
        Assert.Contains(new SupersededRow("data/train-p0-00001-w1.parquet", Records.Row(Job, 0).SampleId, 7), restored.Manifest.Superseded);
        // The restored writer continues the index under its own token, and the manifest's sequence.
        Assert.Equal("data/train-p0-00002-w2.parquet", restored.Manifest.Shards[^1].Path);
        Assert.Equal(4, restored.Manifest.Sequence);
    }

    [Fact]
    public void A_redelivery_that_arrives_while_its_seal_is_written_is_acknowledged_by_that_seal()
    {
        var dataset = JobDataset<int>.Start(Job, 0, "w1", 1, T0, Policy);
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 0, T0);
        var plan = dataset.TakeDue(T0, everything: true)!;
        dataset.Offer(Records.Row(Job, 0, version: 4), At(0), 10, T0);

        var acks = dataset.Committed(plan, dataset.NextManifest(plan, [new WrittenShard(plan.Shards[0].Path, 1, "ab")], T0));

        Assert.Equal([0, 10], acks);
        Assert.Equal(0, dataset.BufferedRows);
        Assert.Null(dataset.TakeDue(T0, everything: true));
    }
}
