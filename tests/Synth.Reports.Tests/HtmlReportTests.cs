using Microsoft.Playwright;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Reports.Tests;

/// <summary>The HTML report in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser download).</summary>
public sealed class HtmlReportTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_report_renders_without_script_errors_and_every_chart_has_data()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (infra/ci/install.sh does).");
        await using var fixture = await ReportFixture.CreateAsync();
        var built = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);
        // Indirect results as the downstream evaluation reports them (its training is tested in ReportBuilderTests).
        ClassifierScore Score(long n, double accuracy) => TextClassifier.Score(n, ["negative", "negative", "positive", "positive"],
            accuracy > 0.6 ? ["negative", "negative", "positive", "negative"] : ["negative", "positive", "positive", "negative"]);
        var report = built with
        {
            Indirect = new DownstreamResult("uci-sentiment (test: yelp)", 4, Score(32, 0.75), Score(32, 0.5), Score(64, 0.75), [Score(16, 0.5), Score(32, 0.75)]),
        };
        var files = await JobReports.WriteFilesAsync(report, fixture.Spec, fixture.Folder("report"), CancellationToken.None);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
            ],
        });
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        // Any request leaving the page would mean it is not self-contained.
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await page.GotoAsync(new Uri(files.Html).AbsoluteUri);

        Assert.Empty(errors);
        Assert.Equal([new Uri(files.Html).AbsoluteUri], requests);
        var charts = await page.EvaluateAsync<ChartState[]>("""
            () => [...document.querySelectorAll('figure.chart')].map(f => ({
              id: f.id, points: Number(f.dataset.points || 0), marks: f.querySelectorAll('svg .mark').length }))
            """);
        Assert.Equal(
            ["chart-lengths", "chart-labels", "chart-timeline", "chart-coverage", "chart-heatmap", "chart-rejects", "chart-confusion", "chart-curve"],
            charts.Select(c => c.Id));
        Assert.All(charts, c => Assert.True(c.Points > 0 && c.Marks == c.Points, $"{c.Id}: {c.Points} points, {c.Marks} marks"));
        // Bars, cells and points as the report says: 2 labels, 5 coverage values plus the 2 of the class-conditional
        // label dimension, 3 × 2 heat-map cells, 2 reject reasons, a 2 × 2 confusion matrix, 2 curve points × (accuracy, macro-F1).
        Assert.Equal([2, 7, 6, 2, 4, 4],
            charts.Where(c => c.Id is "chart-labels" or "chart-coverage" or "chart-heatmap" or "chart-rejects" or "chart-confusion" or "chart-curve").Select(c => c.Points));
        Assert.Equal("Report \"test\" <job>", await page.InnerTextAsync("h1"));
    }

    private sealed class ChartState
    {
        public string Id { get; set; } = "";
        public int Points { get; set; }
        public int Marks { get; set; }
    }
}
