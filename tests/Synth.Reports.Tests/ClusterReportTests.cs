using Synth.Contracts.Samples;
using Synth.Llm.Embeddings;
using Synth.Evaluation;
using Synth.Store;

namespace Synth.Reports.Tests;

public sealed class ClusterReportTests
{
    [Fact]
    public async Task The_reports_cluster_count_equals_the_count_streamed_over_the_same_samples_in_order()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        fixture.Spec.Evaluation.Embeddings = true;
        fixture.Spec.Evaluation.ClusterSimilarity = 0.8;
        using var embedder = new MiniLmEmbeddingGenerator();

        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System, embedder).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        // What an evaluator that saw the curated samples in generation order streamed, one sample at a time.
        var streamed = new JobMetrics(fixture.Spec);
        await foreach (var sample in fixture.NewStore().ReadSamplesAsync(new SampleQuery { JobId = ReportFixture.JobId, States = ReportBuilder.CuratedStates }, CancellationToken.None))
        {
            var embedding = (await embedder.GenerateAsync([SampleText.Of(sample.Content)]))[0].Vector;
            streamed.Add(sample, embedding);
        }

        var clusters = report.Curated.Clusters!;
        Assert.Equal(streamed.Snapshot().Clusters, clusters);
        Assert.Equal((32L, 0.8), (clusters.Samples, clusters.Threshold));
        // The fixture's texts are random draws from 12 words: more than one cluster, fewer than one per sample.
        Assert.InRange(clusters.Clusters, 2, 31);
        Assert.Contains($"<div class=\"value\">{clusters.Clusters}</div><div class=\"name\">embedding clusters (cosine ≥ 0.8, 32 samples)", HtmlReport.Render(report), StringComparison.Ordinal);
        Assert.Contains($"| embedding clusters (leader clustering, cosine ≥ 0.8, 32 samples) | {clusters.Clusters} |", DatasetCard.Render(report, fixture.Spec, export: null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_embeddings_no_clusters_are_reported()
    {
        await using var fixture = await ReportFixture.CreateAsync();

        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        Assert.Null(report.Curated.Clusters);
        Assert.DoesNotContain("\"clusters\"", ReportJson.Serialize(report), StringComparison.Ordinal);
    }
}
