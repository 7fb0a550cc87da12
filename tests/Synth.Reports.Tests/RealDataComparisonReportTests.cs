using System.Text.Json;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Datasets;
using Synth.Llm.Embeddings;
using Synth.Store;

namespace Synth.Reports.Tests;

public sealed class RealDataComparisonReportTests
{
    private static string WriteSupportSet(ReportFixture fixture, IEnumerable<(string Text, string Label)> records)
    {
        var path = fixture.Folder("support.jsonl");
        File.WriteAllLines(path, records.Select(r => JsonSerializer.Serialize(new { text = r.Text, label = r.Label })));
        return path;
    }

    private static async Task<List<string>> CuratedTextsAsync(ReportFixture fixture)
    {
        var texts = new List<string>();
        await foreach (var sample in fixture.NewStore().ReadSamplesAsync(new SampleQuery { JobId = ReportFixture.JobId, States = ReportBuilder.CuratedStates }, CancellationToken.None))
        {
            texts.Add(sample.Content.Text!);
        }

        return texts;
    }

    [Fact]
    public async Task The_support_sets_direct_metrics_are_reported_beside_the_curated_ones()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        fixture.Spec.Demonstrations.SupportSet = new DatasetSpec
        {
            Path = WriteSupportSet(fixture, [("the battery lasts", "positive"), ("the screen cracked", "negative"), ("fair price", "positive")]),
        };

        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        var real = report.Real!;
        Assert.Equal("support.jsonl", real.SupportSet);
        Assert.Equal(3, real.Samples);
        // Words: the battery lasts the screen cracked fair price → 7 distinct of 8; bigrams 4, all distinct.
        Assert.Equal(7, real.Diversity.VocabularySize);
        Assert.Equal(7.0 / 8, real.Diversity.DistinctN[0], 12);
        Assert.Equal(1, real.Diversity.DistinctN[1], 12);
        Assert.Equal(new Dictionary<string, long> { ["positive"] = 2, ["negative"] = 1 }, real.Labels!.Counts);
        // Without embeddings neither the similarity nor the distance is measured.
        Assert.Null(real.Similarity);
        Assert.Null(real.Distance);
        var html = HtmlReport.Render(report);
        Assert.Contains("<section id=\"real-comparison\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>vocabulary</td><td>12</td><td>7</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("real support set `support.jsonl`", DatasetCard.Render(report, fixture.Spec, export: null), StringComparison.Ordinal);
        Assert.Equal(7, ReportJson.Deserialize(ReportJson.Serialize(report)).Real!.Diversity.VocabularySize);
    }

    [Fact]
    public async Task A_support_set_equal_to_the_curated_samples_is_at_distance_zero_and_an_unrelated_one_is_not()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        fixture.Spec.Evaluation.Embeddings = true;
        using var embedder = new MiniLmEmbeddingGenerator();
        var curated = await CuratedTextsAsync(fixture);
        fixture.Spec.Demonstrations.SupportSet = new DatasetSpec { Path = WriteSupportSet(fixture, curated.Select(t => (t, "positive"))) };

        var sameReport = await new ReportBuilder(fixture.NewStore(), TimeProvider.System, embedder).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);
        var (same, curatedSimilarity) = (sameReport.Real!, sameReport.Curated.Similarity!.Mean);

        string[] unrelated = ["Preheat the oven and butter the tin.", "The train to Lyon leaves at noon.", "Stir the sauce until it thickens.", "Our team won the final on penalties."];
        File.WriteAllLines(fixture.Spec.Demonstrations.SupportSet.Path, unrelated.Select(t => JsonSerializer.Serialize(new { text = t, label = "negative" })));
        var other = (await new ReportBuilder(fixture.NewStore(), TimeProvider.System, embedder).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None)).Real!;

        Assert.Equal((32, 32), (same.Distance!.SyntheticSamples, same.Distance.RealSamples));
        Assert.Equal(0, same.Distance.MmdSquared, 6);
        Assert.Equal(1, same.Distance.MeanNearestRealCosine, 4);
        // The real set is the curated set: the same exact mean pairwise similarity.
        Assert.Equal(curatedSimilarity, same.Similarity!.Mean, 5);
        Assert.True(other.Distance!.MmdSquared > 0.1, $"MMD² {other.Distance.MmdSquared}");
        Assert.True(other.Distance.MeanNearestRealCosine < 0.5, $"nearest cosine {other.Distance.MeanNearestRealCosine}");
        Assert.Equal(4, other.Distance.RealSamples);
    }

    [Fact]
    public async Task A_malformed_support_set_fails_the_report_naming_the_file_and_line()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var path = fixture.Folder("broken.jsonl");
        File.WriteAllLines(path, ["{\"text\": \"fine\"}", "not json"]);
        fixture.Spec.Demonstrations.SupportSet = new DatasetSpec { Path = path };

        var e = await Assert.ThrowsAsync<DatasetException>(() => new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None));

        Assert.Contains("broken.jsonl:2", e.Message, StringComparison.Ordinal);
    }
}
