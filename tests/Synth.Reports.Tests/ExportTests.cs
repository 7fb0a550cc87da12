using System.Text.Json;
using Parquet.Serialization;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Reports.Tests;

public sealed class ExportTests
{
    [Fact]
    public async Task The_exported_folder_reads_back_with_its_row_counts_splits_and_card()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var store = fixture.NewStore();
        var folder = fixture.Folder("export");
        var report = await new ReportBuilder(store, TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        var export = await JobReports.ExportAsync(store, report, fixture.Spec, folder, CancellationToken.None);

        Assert.Equal(32, export.TotalRows);
        Assert.Equal(["id", "text", "label", "conditions", "weight"], export.Columns);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (split, rows) in export.Rows)
        {
            // JSON Lines: one object per row, in its split by the seeded hash.
            var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "jsonl", $"{split}.jsonl"));
            Assert.Equal(rows, lines.Length);
            foreach (var line in lines)
            {
                using var json = JsonDocument.Parse(line);
                var id = json.RootElement.GetProperty("id").GetString()!;
                Assert.True(ids.Add(id));
                Assert.Equal(split, DatasetSplits.Of(id, fixture.Spec.Evaluation.Export));
                Assert.Contains(json.RootElement.GetProperty("label").GetString(), new[] { "positive", "negative" });
            }

            // Parquet: the same rows, readable by Parquet.Net.
            var shard = Path.Combine(folder, "data", $"{split}-00000-of-00001.parquet");
            await using var file = File.OpenRead(shard);
            var table = await ParquetSerializer.DeserializeUntypedAsync(file);
            Assert.Equal(rows, table.Data.Count);
            Assert.Equal(export.Columns, table.Schema.DataFields.Select(f => f.Name));
            Assert.All(table.Data, row => Assert.InRange((double)row["weight"]!, 1.0, 2.0));
            Assert.All(table.Data, row => Assert.StartsWith("{\"tone\":", (string)row["conditions"]!, StringComparison.Ordinal));
        }

        Assert.Equal(3, export.Rows.Count);
        var card = await File.ReadAllTextAsync(Path.Combine(folder, "README.md"));
        Assert.StartsWith("---\n", card.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("- config_name: default", card, StringComparison.Ordinal);
        Assert.Contains("path: data/validation-*.parquet", card, StringComparison.Ordinal);
        Assert.Contains("path: jsonl/test.jsonl", card, StringComparison.Ordinal);
        Assert.Contains("pretty_name: \"Report \\\"test\\\" <job>\"", card, StringComparison.Ordinal);
        Assert.Contains($"| train | {export.Rows["train"]} |", card, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(folder, "data")), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sample_a_review_rejected_is_not_exported_and_the_export_holds_what_the_curated_topic_holds()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var store = fixture.NewStore();
        var rejected = new[] { SampleIds.For(ReportFixture.JobId, 0, 0), SampleIds.For(ReportFixture.JobId, 7, 0) };
        foreach (var id in rejected)
        {
            var sample = (await store.GetSampleAsync(id, CancellationToken.None))!;
            Assert.Equal(SampleState.Evaluated, sample.State);
            // As HumanReview.Reject records it: the state stays, the review says the sample left the dataset.
            sample.Review = new ReviewRecord { Status = ReviewStatus.Rejected, Reviewer = "ana", CompletedAt = DateTimeOffset.UnixEpoch };
            Assert.True(await store.TryReplaceSampleAsync(sample, sample.Version, CancellationToken.None));
        }

        var folder = fixture.Folder("export-after-review");
        var report = await new ReportBuilder(store, TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);
        var export = await JobReports.ExportAsync(store, report, fixture.Spec, folder, CancellationToken.None);

        var exported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var split in export.Rows.Keys)
        {
            foreach (var line in await File.ReadAllLinesAsync(Path.Combine(folder, "jsonl", $"{split}.jsonl")))
            {
                using var json = JsonDocument.Parse(line);
                exported.Add(json.RootElement.GetProperty("id").GetString()!);
            }
        }

        Assert.Equal(30, export.TotalRows);
        Assert.DoesNotContain(rejected[0], exported);
        Assert.DoesNotContain(rejected[1], exported);
        // What the compacted topic ends with: a record (non-empty value) for every sample in the export, a tombstone for the rejected.
        var onTopic = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = ReportFixture.JobId, Limit = 500 }, CancellationToken.None))
        {
            if (CuratedRecords.Current(sample, fixture.Spec, "/test", DateTimeOffset.UnixEpoch) is { Value.Length: > 0 })
            {
                onTopic.Add(sample.Id);
            }
        }

        Assert.Equal(onTopic.Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_refined_sample_not_yet_evaluated_is_neither_exported_nor_on_the_curated_topic()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        var store = fixture.NewStore();
        var refinedId = SampleIds.For(ReportFixture.JobId, 3, 0);
        var sample = (await store.GetSampleAsync(refinedId, CancellationToken.None))!;
        Assert.Equal(SampleState.Evaluated, sample.State);
        // As if the evaluator had not run yet: the label refiner's state.
        sample.State = SampleState.Refined;
        Assert.True(await store.TryReplaceSampleAsync(sample, sample.Version, CancellationToken.None));
        var refined = (await store.GetSampleAsync(refinedId, CancellationToken.None))!;

        var folder = fixture.Folder("export-refined");
        var report = await new ReportBuilder(store, TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);
        var export = await JobReports.ExportAsync(store, report, fixture.Spec, folder, CancellationToken.None);

        var exported = new List<string>();
        foreach (var split in export.Rows.Keys)
        {
            foreach (var line in await File.ReadAllLinesAsync(Path.Combine(folder, "jsonl", $"{split}.jsonl")))
            {
                using var json = JsonDocument.Parse(line);
                exported.Add(json.RootElement.GetProperty("id").GetString()!);
            }
        }

        Assert.Equal(31, export.TotalRows);
        Assert.DoesNotContain(refinedId, exported);
        Assert.False(CuratedRecords.InDataset(refined));
        Assert.Null(CuratedRecords.Current(refined, fixture.Spec, "/test", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Splits_follow_the_fractions_and_never_move_for_the_same_seed()
    {
        var export = new ExportSpec { TrainFraction = 0.8, ValidationFraction = 0.1, TestFraction = 0.1, Seed = 11 };
        var ids = Enumerable.Range(0, 20_000).Select(i => $"job-r{i:D6}-s000").ToList();

        var counts = ids.GroupBy(id => DatasetSplits.Of(id, export)).ToDictionary(g => g.Key, g => g.Count());

        // Binomial sd of the train count is sqrt(20000·0.8·0.2) ≈ 57; 4 sd either way.
        Assert.InRange(counts["train"], 16_000 - 230, 16_000 + 230);
        Assert.InRange(counts["validation"], 2_000 - 170, 2_000 + 170);
        Assert.Equal(ids.Select(id => DatasetSplits.Of(id, export)), ids.Select(id => DatasetSplits.Of(id, export)));
        Assert.NotEqual(ids.Select(id => DatasetSplits.Of(id, export)), ids.Select(id => DatasetSplits.Of(id, new ExportSpec { Seed = 12, TrainFraction = 0.8, ValidationFraction = 0.1, TestFraction = 0.1 })));
    }

    [Fact]
    public void Every_task_type_has_its_content_columns()
    {
        Assert.Equal(["instruction", "input", "response"], DatasetExporter.ContentColumns(Contracts.Samples.TaskType.InstructionResponse));
        Assert.Equal(["turns"], DatasetExporter.ContentColumns(Contracts.Samples.TaskType.Dialogue));
    }
}
