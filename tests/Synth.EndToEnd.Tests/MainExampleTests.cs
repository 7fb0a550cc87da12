using Synth.Contracts.Samples;
using Synth.Store.Sqlite;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// The README's main job, <c>synth run examples/sentiment-classification.yaml</c>, with every built-in processor
/// (no plug-in), against a real HTTP server speaking the OpenAI chat-completions protocol in place of Ollama.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MainExampleTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-main-e2e-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    [Fact]
    public async Task The_main_example_runs_through_every_built_in_stage_and_writes_its_report()
    {
        string[] reviews =
        [
            "The headphones sound rich and the battery lasts all week.", "The charger died after two days of light use.",
            "This blender crushes ice in seconds and cleans up easily.", "The tent leaked on the first night of rain.",
            "My e-reader arrived early and the screen is lovely to read on.", "The knives went dull within a month.",
            "Great coffee maker, quiet and quick every morning.", "Support never answered my emails about the broken speaker.",
            "These hiking boots were comfortable straight out of the box.", "The smart speaker keeps mishearing simple requests.",
            "Sturdy, well packed and cheaper than in the shops.", "The delivery was three weeks late and the box was crushed.",
        ];
        for (var request = 0; request < 3; request++)
        {
            var items = reviews.Skip(request * 4).Take(4).Select((text, i) => $$"""{"text":"{{text}}","label":"{{(i % 2 == 0 ? "positive" : "negative")}}"}""");
            _server.Enqueue(ScriptedReply.Answer($$"""{"samples":[{{string.Join(',', items)}}]}""", promptTokens: 600, completionTokens: 120));
        }

        var examples = Path.Combine(RepoPaths.Root, "examples");
        var spec = (await File.ReadAllTextAsync(Path.Combine(examples, "sentiment-classification.yaml")))
            .Replace("http://127.0.0.1:11434/v1", _server.BaseUrl.ToString(), StringComparison.Ordinal)
            .Replace("path: data/sentiment-support.jsonl", $"path: {Path.Combine(examples, "data", "sentiment-support.jsonl")}", StringComparison.Ordinal)
            .Replace("target: 60", "target: 12", StringComparison.Ordinal)
            // The example's local server needs no key; naming one here checks that a key reaches the server and nothing else.
            .Replace("  model: llama3.1:8b", "  apiKeyEnv: SYNTH_LLM_API_KEY\n  model: llama3.1:8b", StringComparison.Ordinal);
        var specPath = Path.Combine(_directory, "sentiment-classification.yaml");
        await File.WriteAllTextAsync(specPath, spec);
        var environment = new Dictionary<string, string?> { ["SYNTH_LLM_API_KEY"] = "local-test-key" };

        using (var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
            ["run", specPath, "--store", Path.Combine(_directory, "synth.db")], environment, _directory))
        {
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(4)) == 0, run.Tail());
        }

        var store = SqliteStores.Open(Path.Combine(_directory, "synth.db")).Samples;
        var counts = await store.CountAsync("product-review-sentiment", CancellationToken.None);
        Assert.Equal(3, counts.RequestsSucceeded);
        Assert.Equal(12, counts.TotalSamples);
        Assert.Equal(12, counts[SampleState.Evaluated] + counts[SampleState.Rejected]);
        Assert.True(counts[SampleState.Evaluated] > 0, "no sample got through the built-in curation");

        var page = await store.QuerySamplesAsync(new Store.SampleQuery { JobId = "product-review-sentiment", Limit = 100 }, CancellationToken.None);
        foreach (var sample in page.Items)
        {
            // Four demonstrations from the support set, chosen by similarity, within the token budget.
            Assert.InRange(sample.Provenance.DemoIds.Count, 1, 4);
            Assert.All(sample.Provenance.DemoIds, id => Assert.StartsWith("s", id, StringComparison.Ordinal));
            Assert.Contains(sample.Decisions, d => d.Stage == Stage.Filter);
            if (sample.State == SampleState.Evaluated)
            {
                Assert.Equal([Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator], sample.Decisions.Select(d => d.Stage));
            }
        }

        Assert.True(File.Exists(Path.Combine(_directory, "reports", "product-review-sentiment", "report.html")));
        Assert.True(File.Exists(Path.Combine(_directory, "reports", "product-review-sentiment", "dataset-card.md")));
        // The key reached the server and nothing else.
        Assert.All(_server.Requests, r => Assert.Equal("Bearer local-test-key", r.Headers["Authorization"]));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
