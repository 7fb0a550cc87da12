using System.Collections.Concurrent;
using Microsoft.Playwright;
using Synth.Contracts.Samples;

namespace Synth.Web.Tests;

/// <summary>
/// The web UI in real headless Chromium against the API on a Kestrel port that runs the whole pipeline in process
/// (in-memory control plane), the LLM being a scripted OpenAI-compatible server: sign in, submit a job, watch the
/// dashboard until it completes, label three review tasks with the keyboard, open the report and check its charts.
/// Any page script error fails the test.
/// </summary>
public sealed class WebUiTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string JobId = "browser-job";

    private static readonly string[] Reviews =
    [
        "The headphones sound rich and the battery lasts all week.",
        "This blender crushes ice in seconds and cleans up easily.",
        "My e-reader arrived early and the screen is lovely to read on.",
        "Great coffee maker, quiet and quick every morning.",
        "These hiking boots were comfortable straight out of the box.",
        "Sturdy tent, well packed and cheaper than in the shops.",
    ];

    private ScriptedChatServer _llm = null!;
    private ApiHost _api = null!;

    public async Task InitializeAsync()
    {
        _llm = await ScriptedChatServer.StartAsync();
        // The one generation request: six reviews, all labelled positive.
        var items = Reviews.Select(text => $$"""{"text":"{{text}}","label":"positive"}""");
        _llm.Enqueue(ScriptedReply.Answer($$"""{"samples":[{{string.Join(',', items)}}]}""", promptTokens: 500, completionTokens: 150));
        // Then the relabeller's two votes per sample split one each way, so the refiner is unsure of every label and
        // queues it for review (the votes of one sample may arrive in either order, or interleaved with others').
        var votes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        _llm.Default = ScriptedReply.AnswerFrom(request =>
        {
            var prompt = request["messages"]!.AsArray().Last()!["content"]!.ToString();
            return votes.AddOrUpdate(prompt, 1, (_, count) => count + 1) % 2 == 1 ? "negative" : "positive";
        });
        // A spec submitted over the API names an operator-defined connection, never an endpoint of its own.
        _api = new ApiHost(new Dictionary<string, string?>
        {
            ["Api:RunPipeline"] = "true",
            ["Connections:scripted:BaseUrl"] = _llm.BaseUrl.ToString(),
            ["Connections:scripted:Models:0"] = "scripted",
        });
    }

    private string Spec() => $$"""
        id: {{JobId}}
        name: Browser job
        task:
          type: text-classification
          dataDescription: One short customer review of a consumer product, in English.
          labels:
            - { name: negative, description: The reviewer is dissatisfied. }
            - { name: positive, description: The reviewer is satisfied. }
        generation:
          connection: scripted
          model: scripted
          samplesPerRequest: 6
          target: 6
          concurrency: 1
        curation:
          # Six short reviews are too few for the relevance filter's task similarity to mean much.
          filter:
            relevance: { enabled: false }
          labelRefinement:
            llmRelabel: { enabled: true, votes: 2, minAgreement: 0.67 }
            student: { enabled: false }
            review: { maxConfidence: 0.6, maxFraction: 1 }
        """;

    [Fact]
    public async Task Submit_a_job_watch_it_finish_label_three_reviews_and_open_the_report()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (infra/ci/install.sh does).");
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
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = _api.BaseUrl.ToString() });
        page.SetDefaultTimeout(30_000);
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => errors.Enqueue(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue($"{message.Text} ({message.Location})");
            }
        };

        // Sign in: the key is asked once.
        await page.GotoAsync("/");
        await page.FillAsync("#api-key", ApiHost.Key);
        await page.ClickAsync("#sign-in button[type=submit]");
        await page.WaitForSelectorAsync("#dashboard-status");

        // Submit: first a spec with a typo (the error names line and field), then the real one.
        await page.ClickAsync("nav a[href='#/submit']");
        await page.FillAsync("#spec", Spec().Replace("  model: scripted", "  model: scripted\n  temperatur: 0.5", StringComparison.Ordinal));
        await page.ClickAsync("#submit-job");
        var error = await page.WaitForSelectorAsync("#errors li");
        Assert.Contains("line 12, column 3 — generation.temperatur: unknown field 'temperatur'", await error!.InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#spec", Spec());
        await page.ClickAsync("#submit-job");

        // The dashboard polls until the job completes, with every sample evaluated or rejected.
        var row = page.Locator($"tr[data-job='{JobId}']");
        await row.Locator(".state-completed").WaitForAsync(new LocatorWaitForOptions { Timeout = 180_000 });
        var evaluated = int.Parse(await row.Locator("[data-evaluated]").GetAttributeAsync("data-evaluated") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(evaluated, 3, Reviews.Length);
        Assert.Contains("samples/s", await row.InnerTextAsync(), StringComparison.Ordinal);

        // Review three tasks with the keyboard: Enter accepts the current label, a digit picks a candidate.
        await row.Locator("a", new LocatorLocatorOptions { HasText = "Review" }).ClickAsync();
        var labelled = new List<(string SampleId, string Label)>();
        foreach (var key in new[] { "Enter", "2", "1" })
        {
            var task = page.Locator("[data-sample]");
            await task.WaitForAsync();
            var sampleId = await task.GetAttributeAsync("data-sample");
            await Assertions.Expect(page.Locator("#review-progress")).ToHaveTextAsync($"{labelled.Count + 1} of {evaluated}");
            Assert.Equal("positive", await page.InnerTextAsync("#current-label"));
            var candidates = await page.Locator("#candidates button").AllInnerTextsAsync();
            Assert.Contains(candidates, c => c.Contains("positive", StringComparison.Ordinal) && c.Contains("50%", StringComparison.Ordinal));
            var expected = key == "Enter" ? "positive" : await page.Locator("#candidates button").Nth(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture) - 1).GetAttributeAsync("data-label");
            await page.Keyboard.PressAsync(key);
            await page.WaitForFunctionAsync("id => !document.querySelector(`[data-sample=\"${id}\"]`)", sampleId);
            labelled.Add((sampleId!, expected!));
        }

        // The report page embeds the evaluator's report; every chart in it has data.
        await page.GotoAsync($"/#/jobs/{JobId}/report");
        var frame = await (await page.WaitForSelectorAsync("#report-frame"))!.ContentFrameAsync();
        await frame!.WaitForSelectorAsync("figure.chart svg");
        var charts = await frame.EvaluateAsync<ChartState[]>("""
            () => [...document.querySelectorAll('figure.chart')].map(f => ({
              id: f.id, points: Number(f.dataset.points || 0), marks: f.querySelectorAll('svg .mark').length }))
            """);
        Assert.Contains(charts, c => c.Id == "chart-labels");
        Assert.All(charts, c => Assert.True(c.Points > 0 && c.Marks == c.Points, $"{c.Id}: {c.Points} points, {c.Marks} marks"));

        Assert.Equal(2, await page.Locator("p button").CountAsync());

        // A viewer's key: the same pages without what it may not do (the server would answer 403).
        await page.ClickAsync("#sign-out");
        await page.FillAsync("#api-key", ApiHost.ViewerKey);
        await page.ClickAsync("#sign-in button[type=submit]");
        await Assertions.Expect(page.Locator("#caller")).ToHaveTextAsync("vic (viewer)");
        await page.GotoAsync("/#/");
        await row.Locator(".state-completed").WaitForAsync();
        Assert.Equal(0, await row.Locator("a", new LocatorLocatorOptions { HasText = "Samples" }).CountAsync());
        Assert.Equal(1, await row.Locator("a", new LocatorLocatorOptions { HasText = "Report" }).CountAsync());
        Assert.True(await page.Locator("#nav-submit").IsHiddenAsync());
        Assert.True(await page.Locator("#nav-review").IsHiddenAsync());
        await page.GotoAsync($"/#/jobs/{JobId}/report");
        await page.WaitForSelectorAsync("#report-frame");
        Assert.Equal(0, await page.Locator("p button").CountAsync());

        // The browser logs the deliberate 400 of the spec with a typo; nothing else may have gone wrong.
        Assert.True(errors.Count == 1 && errors.Single().StartsWith("Failed to load resource: the server responded with a status of 400", StringComparison.Ordinal)
            && errors.Single().Contains(new Uri(_api.BaseUrl, "/jobs").AbsoluteUri, StringComparison.Ordinal), string.Join("\n", errors));
        // What the reviewer did is what the store holds.
        var stores = _api.Stores();
        foreach (var (sampleId, label) in labelled)
        {
            var sample = (await stores.Samples.GetSampleAsync(sampleId, CancellationToken.None))!;
            Assert.Equal((ReviewStatus.Labelled, ApiHost.ReviewerName, label), (sample.Review!.Status, sample.Review.Reviewer, sample.Content.Label));
            Assert.Equal((LabelMethod.HumanReview, ApiHost.ReviewerName), (sample.LabelHistory[^1].Method, sample.LabelHistory[^1].By));
        }

        var progress = await stores.Reviews.GetReviewProgressAsync(JobId, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal((3L, evaluated), (progress.Labelled, (int)progress.Total));
    }

    private sealed class ChartState
    {
        public string Id { get; set; } = "";
        public int Points { get; set; }
        public int Marks { get; set; }
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _llm.DisposeAsync();
    }
}
