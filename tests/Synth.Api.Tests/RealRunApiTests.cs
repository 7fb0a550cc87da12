using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Synth.Api.Tests;

/// <summary>
/// The API over the store of a real small run: <c>synth run</c> of the README's main example (every built-in stage)
/// against a scripted OpenAI-compatible server, into the API's database file.
/// </summary>
public sealed class RealRunApiTests : IAsyncLifetime
{
    private const string JobId = "product-review-sentiment";
    private readonly ApiFactory _factory = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-api-run-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedChatServer.StartAsync();
        string[] reviews =
        [
            "The headphones sound rich and the battery lasts all week.", "The charger died after two days of light use.",
            "This blender crushes ice in seconds and cleans up easily.", "The tent leaked on the first night of rain.",
            "My e-reader arrived early and the screen is lovely to read on.", "The knives went dull within a month.",
            "Great coffee maker, quiet and quick every morning.", "Support never answered my emails about the broken speaker.",
        ];
        for (var request = 0; request < 2; request++)
        {
            var items = reviews.Skip(request * 4).Take(4).Select((text, i) => $$"""{"text":"{{text}}","label":"{{(i % 2 == 0 ? "positive" : "negative")}}"}""");
            _server.Enqueue(ScriptedReply.Answer($$"""{"samples":[{{string.Join(',', items)}}]}""", promptTokens: 600, completionTokens: 120));
        }

        var examples = Path.Combine(RepoPaths.Root, "examples");
        var spec = (await File.ReadAllTextAsync(Path.Combine(examples, "sentiment-classification.yaml")))
            .Replace("http://127.0.0.1:11434/v1", _server.BaseUrl.ToString(), StringComparison.Ordinal)
            .Replace("path: data/sentiment-support.jsonl", $"path: {Path.Combine(examples, "data", "sentiment-support.jsonl")}", StringComparison.Ordinal)
            .Replace("target: 60", "target: 8", StringComparison.Ordinal);
        var specPath = Path.Combine(_directory, "sentiment.yaml");
        await File.WriteAllTextAsync(specPath, spec);
        using var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
            ["run", specPath, "--store", _factory.DatabasePath], new Dictionary<string, string?> { ["SYNTH_LLM_API_KEY"] = "local-test-key" }, _directory);
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, run.Tail());
    }

    private HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AliceKey);
        return client;
    }

    [Fact]
    public async Task The_lineage_of_a_real_sample_is_complete()
    {
        using var client = Client();
        var evaluated = (await client.GetFromJsonAsync<JsonObject>($"/jobs/{JobId}/samples?stage=evaluator&limit=1"))!["items"]![0]!;
        var lineage = (await client.GetFromJsonAsync<JsonObject>($"/samples/{evaluated["id"]!.GetValue<string>()}"))!;

        var prompt = lineage["prompt"]!;
        Assert.Equal("single-step", prompt["strategy"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(prompt["templateId"]?.GetValue<string>()));
        Assert.Matches("^[0-9a-f]{64}$", prompt["promptHash"]!.GetValue<string>());
        // The class-conditional label is a condition of its own.
        Assert.Equal(["label", "length", "product", "style", "topic"], lineage["conditions"]!.AsObject().Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.InRange(lineage["demoIds"]!.AsArray().Count, 1, 4);
        var model = lineage["model"]!;
        Assert.Equal("llama3.1:8b", model["model"]!.GetValue<string>());
        Assert.Equal(150, model["promptTokens"]!.GetValue<long>());
        Assert.Equal("0.9", model["parameters"]!["temperature"]!.GetValue<string>());
        var request = lineage["request"]!;
        Assert.Equal(("succeeded", 4, 600L), (request["status"]!.GetValue<string>(), request["samplesInRequest"]!.GetValue<int>(), request["promptTokens"]!.GetValue<long>()));

        Assert.Equal(["generator", "filter", "label-refiner", "evaluator"], lineage["decisions"]!.AsArray().Select(d => d!["stage"]!.GetValue<string>()));
        Assert.All(lineage["decisions"]!.AsArray(), d => Assert.NotNull(d!["at"]));
        Assert.Equal("generator", lineage["labelHistory"]![0]!["method"]!.GetValue<string>());
        var timeline = lineage["timeline"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToList();
        Assert.Equal("generated", timeline[0]);
        Assert.Equal(4, timeline.Count(kind => kind == "decision"));
        Assert.Contains("label-change", timeline);

        var traceId = lineage["traceId"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Equal($"http://localhost:16686/trace/{traceId}", lineage["traceUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_stored_report_is_served_as_json_and_html_and_the_dataset_exports_as_a_zip()
    {
        using var client = Client();

        var report = (await client.GetFromJsonAsync<JsonObject>($"/jobs/{JobId}/report"))!;
        var html = await client.GetStringAsync($"/jobs/{JobId}/report.html");
        var jsonl = await client.GetAsync($"/jobs/{JobId}/export?format=jsonl");
        var parquet = await client.GetAsync($"/jobs/{JobId}/export");

        Assert.Equal(JobId, report["jobId"]!.GetValue<string>());
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"report-data\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, jsonl.StatusCode);
        Assert.Equal("application/zip", jsonl.Content.Headers.ContentType!.MediaType);
        using (var zip = new ZipArchive(await jsonl.Content.ReadAsStreamAsync()))
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", names);
            Assert.Contains("jsonl/train.jsonl", names);
            Assert.DoesNotContain(names, name => name.EndsWith(".parquet", StringComparison.Ordinal));
            var rows = 0;
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("jsonl/", StringComparison.Ordinal)))
            {
                using var reader = new StreamReader(entry.Open());
                rows += (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            }

            Assert.Equal(report["curated"]!["samples"]!.GetValue<long>(), rows);
        }

        using (var zip = new ZipArchive(await parquet.Content.ReadAsStreamAsync()))
        {
            Assert.Contains(zip.Entries, e => e.FullName.StartsWith("data/train-", StringComparison.Ordinal) && e.FullName.EndsWith(".parquet", StringComparison.Ordinal));
        }
    }

    public async Task DisposeAsync()
    {
        _factory.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
