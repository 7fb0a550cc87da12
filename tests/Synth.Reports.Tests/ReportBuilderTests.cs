using Synth.Contracts.Samples;

namespace Synth.Reports.Tests;

public sealed class ReportBuilderTests
{
    private static async Task<JobReport> BuildAsync(ReportFixture fixture) =>
        await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

    [Fact]
    public async Task The_report_recomputes_every_figure_from_the_store()
    {
        await using var fixture = await ReportFixture.CreateAsync();

        var report = await BuildAsync(fixture);

        // Counted by hand from the fixture's rules (ReportFixture).
        Assert.Equal(new Dictionary<string, long> { ["rejected"] = 8, ["evaluated"] = 32 }, report.Counts.SamplesByState);
        Assert.Equal((4000L, 800L, 0.040m), (report.Counts.PromptTokens, report.Counts.CompletionTokens, report.Counts.CostUsd));
        Assert.Equal(new Dictionary<string, long> { ["duplicate"] = 4, ["too short"] = 4 }, report.RejectReasons);
        Assert.Equal(new Dictionary<string, long> { ["llm-relabel"] = 5 }, report.LabelChanges);
        Assert.Equal(new Dictionary<string, long> { ["labelled"] = 5 }, report.Reviews);
        // The 5 reviewers all changed the generated label: 0 of 5 kept, with its Wilson interval.
        Assert.Equal(Synth.Evaluation.ProportionEstimate.Wilson(0, 5), report.HumanAgreement);
        var curated = report.Curated;
        Assert.Equal(32, curated.Samples);
        Assert.Equal(new Dictionary<string, long> { ["positive"] = 17, ["negative"] = 15 }, curated.Labels!.Counts);
        Assert.Equal(0.3, curated.MeanNovelty!.Value, 12);
        Assert.Equal(new WeightSummary(1, 1.5, 2, 48), curated.Weights);
        var topic = curated.Coverage.Single(c => c.Dimension == "topic");
        Assert.Equal(new Dictionary<string, long> { ["battery"] = 11, ["screen"] = 10, ["price"] = 11 }, topic.Counts);
        Assert.Equal(1.0 / 3, topic.Targets["screen"], 12);
        var tone = curated.Coverage.Single(c => c.Dimension == "tone");
        Assert.Equal(0.75, tone.Targets["angry"], 12);
        var map = curated.HeatMap!;
        Assert.Equal(("topic", "tone"), (map.RowDimension, map.ColumnDimension));
        Assert.Equal(32, map.Cells.Sum(r => r.Sum()));
        // Null without embeddings: similarity is not measured, not reported as zero.
        Assert.Null(curated.Similarity);
        // A timeline point every target/50 → every sample, ending at the count.
        Assert.Equal(32, curated.Timeline[^1].Samples);
        Assert.Equal(curated.Diversity.VocabularySize, curated.Timeline[^1].VocabularySize);
        Assert.Equal(0.3, curated.Timeline[^1].MeanNovelty!.Value, 12);
    }

    [Fact]
    public async Task The_report_round_trips_through_its_JSON_and_is_kept_in_the_store()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var stores = fixture.NewStores();

        var report = await JobReports.BuildAndStoreAsync(stores.Samples, stores.Reports, ReportFixture.JobId, fixture.Spec, TimeProvider.System, null, CancellationToken.None);
        var stored = await fixture.NewStores().Reports.GetReportAsync(ReportFixture.JobId, CancellationToken.None);

        Assert.NotNull(stored);
        var back = ReportJson.Deserialize(stored.Json);
        Assert.Equal(report.Curated.Samples, back.Curated.Samples);
        Assert.Equal(report.Curated.Diversity.DistinctN, back.Curated.Diversity.DistinctN);
        Assert.Equal(report.RejectReasons, back.RejectReasons);
        Assert.Equal(report.Curated.HeatMap!.Cells.SelectMany(r => r), back.Curated.HeatMap!.Cells.SelectMany(r => r));
        Assert.Equal(report.CreatedAt, stored.CreatedAt);
    }

    [Fact]
    public async Task Similarity_is_sampled_within_its_bound_when_the_job_measures_embeddings()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        fixture.Spec.Evaluation.Embeddings = true;
        // A loose bound needs fewer pairs than the 32 samples have (496), so the estimate is sampled.
        fixture.Spec.Evaluation.SimilarityHalfWidth = 0.2;
        using var embedder = new Synth.Llm.Embeddings.MiniLmEmbeddingGenerator();

        var sampled = await new ReportBuilder(fixture.NewStore(), TimeProvider.System, embedder).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);
        fixture.Spec.Evaluation.SimilarityHalfWidth = 0.001;
        var exact = await new ReportBuilder(fixture.NewStore(), TimeProvider.System, embedder).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        Assert.False(sampled.Curated.Similarity!.Exact);
        Assert.Equal(Synth.Evaluation.PairwiseSimilarity.PairsFor(0.2, 0.95), sampled.Curated.Similarity.Pairs);
        Assert.True(exact.Curated.Similarity!.Exact);
        Assert.Equal(32 * 31 / 2, exact.Curated.Similarity.Pairs);
        Assert.InRange(Math.Abs(sampled.Curated.Similarity.Mean - exact.Curated.Similarity.Mean), 0, sampled.Curated.Similarity.HalfWidth);
    }

    [Fact]
    public async Task Indirect_evaluation_trains_on_the_curated_samples_and_scores_on_the_real_benchmark()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        fixture.Spec.Evaluation.Indirect = new Contracts.Jobs.IndirectSpec
        {
            DataFolder = BenchmarkData.Folder,
            TestSource = "yelp",
            LearningCurve = [0.5],
            Seed = 2,
        };

        var report = await BuildAsync(fixture);

        var indirect = report.Indirect!;
        Assert.Equal("uci-sentiment (test: yelp)", indirect.Benchmark);
        Assert.Equal(1000, indirect.TestSize);
        // The 32 curated samples, and the real baseline of equal size from amazon and imdb.
        Assert.Equal(32, indirect.Synthetic.TrainSize);
        Assert.Equal(32, indirect.RealBaseline!.TrainSize);
        Assert.Equal(64, indirect.RealPlusSynthetic!.TrainSize);
        Assert.Equal([16L, 32], indirect.LearningCurve.Select(p => p.TrainSize));
        Assert.Equal(1000, indirect.Synthetic.Confusion.Sum(r => r.Sum()));
        var back = ReportJson.Deserialize(ReportJson.Serialize(report));
        Assert.Equal(indirect.Synthetic.Accuracy, back.Indirect!.Synthetic.Accuracy);
    }

    [Fact]
    public async Task Missing_benchmark_data_fails_the_report_with_the_fetch_command()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        fixture.Spec.Evaluation.Indirect = new Contracts.Jobs.IndirectSpec { DataFolder = fixture.Folder("no-data") };

        var e = await Assert.ThrowsAsync<Synth.Evaluation.Processor.Downstream.BenchmarkDataException>(() => BuildAsync(fixture));

        Assert.Contains("infra/data/fetch-datasets.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_with_no_samples_gives_an_empty_report_not_an_error()
    {
        await using var fixture = await ReportFixture.CreateAsync();

        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync("no-such-job", fixture.Spec, CancellationToken.None);

        Assert.Equal(0, report.Curated.Samples);
        Assert.Empty(report.RejectReasons);
        Assert.Equal(0, report.Counts.SamplesByState.Values.Sum());
        Assert.Equal(SampleState.Evaluated, ReportBuilder.CuratedStates[^1]);
    }
}
