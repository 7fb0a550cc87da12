using Microsoft.Playwright;

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
        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);
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
            ["chart-lengths", "chart-labels", "chart-timeline", "chart-coverage", "chart-heatmap", "chart-rejects"],
            charts.Select(c => c.Id));
        Assert.All(charts, c => Assert.True(c.Points > 0 && c.Marks == c.Points, $"{c.Id}: {c.Points} points, {c.Marks} marks"));
        // Bars and cells as the report says: 2 labels, 5 coverage values, 3 × 2 heat-map cells, 2 reject reasons.
        Assert.Equal([2, 5, 6, 2], charts.Where(c => c.Id is "chart-labels" or "chart-coverage" or "chart-heatmap" or "chart-rejects").Select(c => c.Points));
        Assert.Equal("Report \"test\" <job>", await page.InnerTextAsync("h1"));
    }

    private sealed class ChartState
    {
        public string Id { get; set; } = "";
        public int Points { get; set; }
        public int Marks { get; set; }
    }
}
