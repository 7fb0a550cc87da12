using Synth.Contracts.Samples;
using Synth.Evaluation.Processor.Reports;
using Synth.Store.Sqlite;

namespace Synth.Cli.Tests;

/// <summary><c>synth report</c>, <c>synth export</c> and <c>synth compare</c> as a user runs them, against a store a real run made.</summary>
public sealed class ReportExportCommandTests(CliRunFixture fixture) : IClassFixture<CliRunFixture>
{
    private async Task<long> CuratedAsync(string jobId)
    {
        var counts = await SqliteStores.Open(fixture.Store).Samples.CountAsync(jobId, CancellationToken.None);
        return counts[SampleState.Refined] + counts[SampleState.Evaluated];
    }

    [Fact]
    public async Task Report_writes_its_three_files_and_keeps_the_report_in_the_store()
    {
        var folder = Path.Combine(fixture.Directory, "report-a");

        var (exit, output) = await fixture.RunAsync(["report", CliRunFixture.JobA, "--store", fixture.Store, "--out", folder]);

        Assert.True(exit == 0, output);
        var curated = await CuratedAsync(CliRunFixture.JobA);
        Assert.True(curated > 0);
        Assert.Contains($"Report of job {CliRunFixture.JobA}: {curated:N0} curated samples", output, StringComparison.Ordinal);
        var json = await File.ReadAllTextAsync(Path.Combine(folder, "report.json"));
        var report = ReportJson.Deserialize(json);
        Assert.Equal((CliRunFixture.JobA, curated), (report.JobId, report.Curated.Samples));
        // The target counts curated samples: the run generated more to make up for the rejected ones.
        Assert.Equal(CliRunFixture.Target, report.Counts.Target);
        Assert.InRange(curated, CliRunFixture.Target, report.Counts.SamplesByState.Values.Sum());
        // The spec's default embeddings are on: similarity and clusters were measured with the local model.
        Assert.NotNull(report.Curated.Similarity);
        Assert.NotNull(report.Curated.Clusters);
        Assert.Contains("<script type=\"application/json\" id=\"report-data\">", await File.ReadAllTextAsync(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Assert.Contains($"job `{CliRunFixture.JobA}`", await File.ReadAllTextAsync(Path.Combine(folder, "dataset-card.md")), StringComparison.Ordinal);
        var stored = await SqliteStores.Open(fixture.Store).Reports.GetReportAsync(CliRunFixture.JobA, CancellationToken.None);
        Assert.Equal(report.CreatedAt, stored!.CreatedAt);
    }

    [Fact]
    public async Task Report_accepts_the_spec_file_instead_of_the_job_id()
    {
        var folder = Path.Combine(fixture.Directory, "report-b");

        var (exit, output) = await fixture.RunAsync(["report", Path.Combine(fixture.Directory, $"{CliRunFixture.JobB}.yaml"), "--store", fixture.Store, "--out", folder]);

        Assert.True(exit == 0, output);
        Assert.Equal(CliRunFixture.JobB, ReportJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(folder, "report.json"))).JobId);
    }

    [Fact]
    public async Task Export_writes_the_hugging_face_layout_with_every_curated_sample()
    {
        var folder = Path.Combine(fixture.Directory, "export-a");

        var (exit, output) = await fixture.RunAsync(["export", CliRunFixture.JobA, "--store", fixture.Store, "--out", folder]);

        Assert.True(exit == 0, output);
        // What the curated topic carries (CuratedRecords.InDataset): evaluated samples; no review ran here.
        var curated = (await SqliteStores.Open(fixture.Store).Samples.CountAsync(CliRunFixture.JobA, CancellationToken.None))[SampleState.Evaluated];
        Assert.True(curated > 0);
        Assert.Contains($"Exported {curated:N0} samples of job {CliRunFixture.JobA}", output, StringComparison.Ordinal);
        var rows = Directory.GetFiles(Path.Combine(folder, "jsonl"), "*.jsonl").Sum(f => File.ReadLines(f).Count());
        Assert.Equal(curated, rows);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "data"), "*.parquet"));
        var card = await File.ReadAllTextAsync(Path.Combine(folder, "README.md"));
        Assert.StartsWith("---", card, StringComparison.Ordinal);
        Assert.Contains("config_name: jsonl", card, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("report")]
    [InlineData("export")]
    public async Task An_unknown_job_fails_with_a_clear_error_and_writes_nothing(string command)
    {
        var folder = Path.Combine(fixture.Directory, $"unknown-{command}");

        var (exit, output) = await fixture.RunAsync([command, "no-such-job", "--store", fixture.Store, "--out", folder]);

        Assert.Equal(1, exit);
        Assert.Contains("error: 'no-such-job' is neither a spec file nor a job in the store", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Export_without_an_output_folder_is_a_usage_error()
    {
        var (exit, output) = await fixture.RunAsync(["export", CliRunFixture.JobA, "--store", fixture.Store]);

        Assert.NotEqual(0, exit);
        Assert.Contains("--out", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_judges_pairs_in_both_orders_and_a_first_position_judge_gives_only_ties()
    {
        fixture.Judge.Default = ScriptedReply.Answer("{\"better\": 1}");

        var (exit, output) = await fixture.RunAsync(["compare", CliRunFixture.JobA, CliRunFixture.JobB, "--pairs", "5", "--store", fixture.Store]);

        Assert.True(exit == 0, output);
        Assert.Contains($"Compared job {CliRunFixture.JobA} (A) with job {CliRunFixture.JobB} (B): 5 pairs judged in both orders by scripted-model", output, StringComparison.Ordinal);
        Assert.Contains("  A wins   0.000", output, StringComparison.Ordinal);
        Assert.Contains("  ties     1.000", output, StringComparison.Ordinal);
        Assert.Contains("the first-shown sample won 1.000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_with_an_unknown_job_fails_with_a_clear_error()
    {
        var (exit, output) = await fixture.RunAsync(["compare", CliRunFixture.JobA, "no-such-job", "--store", fixture.Store]);

        Assert.Equal(1, exit);
        Assert.Contains("error: 'no-such-job' is neither a spec file nor a job in the store", output, StringComparison.Ordinal);
    }
}
