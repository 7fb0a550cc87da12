using Synth.Contracts.Samples;
using Synth.Store.Sqlite;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// <c>synth run</c> with the built-in LLM generator (its default) against a real HTTP server speaking the OpenAI
/// chat-completions protocol; the later stages are the test processors until their built-ins land.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BuiltInGeneratorTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-llm-e2e-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync();

    [Fact]
    public async Task Samples_generated_by_the_model_reach_the_last_stage_with_their_provenance()
    {
        _server.Default = ScriptedReply.Answer(
            """{"samples":[{"text":"The battery outlived my trip.","label":"positive"},{"text":"It stopped charging in a week.","label":"negative"}]}""",
            promptTokens: 400, completionTokens: 60);
        _server.Enqueue(ScriptedReply.TooManyRequests("0"), ScriptedReply.Answer("Sorry, no JSON today."));
        var spec = Path.Combine(_directory, "llm.yaml");
        await File.WriteAllTextAsync(spec, $"""
            id: llm-e2e
            name: Built-in generator end to end
            task:
              type: text-classification
              dataDescription: Short product reviews.
              labels:
                - name: positive
                  description: satisfied
                - name: negative
                  description: dissatisfied
            conditions:
              dimensions:
                - name: topic
                  values: [battery, screen, delivery]
            demonstrations:
              k: 0
            generation:
              provider: openai-compatible
              model: test-model
              baseUrl: {_server.BaseUrl}
              samplesPerRequest: 2
              target: 40
              maxRetries: 2
              timeoutSeconds: 10
            budget:
              prices:
                test-model:
                  inputPerMillion: 1
                  outputPerMillion: 4
            """);
        var environment = TestJob.ProcessorEnvironment();
        environment.Remove("Processors__Generator");
        // One request at a time, so the scripted throttle and prose land on request 0.
        environment["Processors__MaxConcurrentRequests"] = "1";

        using (var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
            ["run", spec, "--store", Path.Combine(_directory, "synth.db")], environment, _directory))
        {
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, run.Tail());
        }

        var store = SqliteStores.Open(Path.Combine(_directory, "synth.db")).Samples;
        var counts = await store.CountAsync("llm-e2e", CancellationToken.None);
        // The first request was throttled then answered with prose (a counted failure); every other gave 2 samples, and
        // the target counts curated samples, so requests after the first 20 made up for the failure and any rejections.
        Assert.Equal(1, counts.RequestsFailed);
        Assert.InRange(counts.RequestsSucceeded, 20, 24);
        Assert.Equal(2 * counts.RequestsSucceeded, counts.TotalSamples);
        Assert.Equal(counts.TotalSamples, counts[SampleState.Evaluated] + counts[SampleState.Rejected]);
        Assert.True(counts[SampleState.Evaluated] >= 40, $"{counts[SampleState.Evaluated]} of 40 curated");
        Assert.Equal(counts.RequestsSucceeded + 2, _server.Requests.Count);

        var failed = (await store.GetRequestAsync(SampleIds.Request("llm-e2e", 0), CancellationToken.None))!;
        Assert.Equal(RequestStatus.Failed, failed.Status);
        Assert.Equal("Sorry, no JSON today.", failed.RawResponse);
        Assert.Equal(2, failed.Attempts);

        var sample = (await store.GetSampleAsync(SampleIds.For("llm-e2e", 1, 0), CancellationToken.None))!;
        Assert.Equal("The battery outlived my trip.", sample.Content.Text);
        Assert.Equal("test-model", sample.Provenance.Model);
        Assert.Equal("single-step", sample.Provenance.Strategy);
        Assert.Contains(sample.Provenance.Conditions["topic"], new[] { "battery", "screen", "delivery" });
        Assert.StartsWith("builtin:", sample.Provenance.TemplateId, StringComparison.Ordinal);
        Assert.Equal(200, sample.Provenance.Usage.PromptTokens);
        // (400 × $1 + 60 × $4) / 1M, shared by 2 samples.
        Assert.Equal(0.00032m, sample.Provenance.CostUsd);
        Assert.Equal("positive", sample.LabelHistory[0].To);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
