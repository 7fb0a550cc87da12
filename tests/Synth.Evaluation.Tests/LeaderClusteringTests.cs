using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation.Tests;

public sealed class LeaderClusteringTests
{
    private static ReadOnlyMemory<float> V(params float[] values) => values;

    [Fact]
    public void A_vectors_length_does_not_matter_only_its_direction()
    {
        var clustering = new LeaderClustering(threshold: 0.9);

        Assert.Equal(0, clustering.Add(V(3, 0)));
        Assert.Equal(0, clustering.Add(V(0.5f, 0.1f)));
        Assert.Equal(1, clustering.Add(V(0, 7)));
        Assert.Equal(1, clustering.Add(V(0.01f, 0.2f)));
    }

    [Fact]
    public void Hand_made_vectors_fall_into_the_clusters_counted_by_hand()
    {
        var clustering = new LeaderClustering(threshold: 0.9);

        // (1,0) leads 0; (0.99,0.1) is at cos ≈ 0.995 to it; (0,1) at cos 0 → leads 1; (0.1,0.99) joins 1;
        // (−1,0) is at −1 and 0 → leads 2; (1,1) is at cos ≈ 0.707 to both 0 and 1 → leads 3.
        int[] assigned = [.. new[] { V(1, 0), V(0.99f, 0.1f), V(0, 1), V(0.1f, 0.99f), V(-1, 0), V(1, 1) }.Select(clustering.Add)];

        Assert.Equal([0, 0, 1, 1, 2, 3], assigned);
        Assert.Equal(new EmbeddingClusterCount(4, 6, 0.9), clustering.Snapshot());
    }

    [Fact]
    public void A_sample_joins_its_most_similar_leader_not_the_first_that_qualifies()
    {
        var clustering = new LeaderClustering(threshold: 0.5);
        clustering.Add(V(1, 0));
        clustering.Add(V(0, 1));

        // cos to (1,0) ≈ 0.6, to (0,1) ≈ 0.8: both reach 0.5, the second is nearer.
        Assert.Equal(1, clustering.Add(V(0.6f, 0.8f)));
        Assert.Equal(2, clustering.Clusters);
    }

    [Fact]
    public void The_incremental_count_equals_a_full_recomputation_at_every_point()
    {
        var random = new Random(3);
        var centres = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 16).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToList();
        var vectors = Enumerable.Range(0, 300)
            .Select(i => (ReadOnlyMemory<float>)centres[random.Next(6)].Select(c => c + (0.2f * (float)((random.NextDouble() * 2) - 1))).ToArray())
            .ToList();
        var incremental = new LeaderClustering(0.8);

        for (var k = 0; k < vectors.Count; k++)
        {
            incremental.Add(vectors[k]);
            if (k % 37 == 0 || k == vectors.Count - 1)
            {
                Assert.Equal(LeaderClustering.CountOf(vectors.Take(k + 1), 0.8), incremental.Snapshot());
            }
        }

        // Six well-separated centres with small noise: six clusters.
        Assert.Equal(6, incremental.Clusters);
    }

    [Fact]
    public void A_jobs_streamed_metrics_count_clusters_only_with_embeddings()
    {
        var spec = new JobSpec { Name = "k" };
        spec.Evaluation.ClusterSimilarity = 0.9;
        var metrics = new JobMetrics(spec);
        float[][] vectors = [[1, 0], [0.99f, 0.1f], [0, 1]];
        for (var i = 0; i < vectors.Length; i++)
        {
            metrics.Add(new SampleDocument { Id = $"s{i}", JobId = "k", TaskType = TaskType.InstructionResponse, Content = new SampleContent { Text = "t" }, Provenance = new Provenance { RequestId = "r" } }, vectors[i]);
        }

        Assert.Equal(LeaderClustering.CountOf(vectors.Select(v => (ReadOnlyMemory<float>)v), 0.9), metrics.Snapshot().Clusters);
        Assert.Equal(2, metrics.Snapshot().Clusters!.Clusters);
        spec.Evaluation.Embeddings = false;
        Assert.Null(new JobMetrics(spec).Snapshot().Clusters);
    }

    [Fact]
    public void A_threshold_outside_the_cosine_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeaderClustering(1.5));
    }
}
