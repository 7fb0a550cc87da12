using System.Collections.Concurrent;
using System.Diagnostics;
using Synth.Contracts.Jobs;
using static Synth.Llm.Tests.TestSupport;

namespace Synth.Llm.Tests;

public sealed class ChatClientFactoryTests
{
    [Fact]
    public async Task Azure_openai_calls_the_deployment_with_the_api_key_header()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("from azure"));
        var spec = AzureConnectionTo(server.Root);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling).ExecuteAsync(Prompt() with { OutputSchema = SampleSchema() });

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.Equal("from azure", result.Text);
        var request = Assert.Single(server.Requests);
        Assert.StartsWith("/openai/deployments/gpt-test/chat/completions?api-version=", request.Path);
        Assert.Equal(Key, request.Headers["api-key"]);
        Assert.Equal("json_schema", (string?)request.Body["response_format"]!["type"]);
    }

    [Fact]
    public async Task Openai_compatible_without_a_key_variable_sends_a_placeholder()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        var spec = ConnectionTo(server.BaseUrl) with { ApiKeyEnv = null };
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.Equal("Bearer no-key", server.Requests.Single().Headers["Authorization"]);
    }

    [Fact]
    public async Task The_api_key_never_reaches_results_logs_traces_or_exceptions()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LlmRequestExecutor.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var logger = new CapturingLogger<LlmRequestExecutor>();
        var texts = new List<string>();

        await using (var server = await ScriptedChatServer.StartAsync())
        {
            server.Default = ScriptedReply.UnauthorizedEchoingKey();
            foreach (var spec in new[] { ConnectionTo(server.BaseUrl), AzureConnectionTo(server.Root) })
            {
                using var connection = Factory().Create(spec);
                var rejected = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry, logger).ExecuteAsync(Prompt());
                Assert.Equal(LlmOutcome.Failure, rejected.Outcome);
                // The server did echo the key: the client redacted it.
                Assert.Contains("HTTP 401 Unauthorized: Incorrect API key provided: ***", rejected.FailureReason);
                texts.Add(rejected.ToString());
                texts.AddRange(rejected.Attempts.Select(a => a.ToString()));
            }

            // A server that puts the key into a 500 body is retried, and still nothing leaks.
            server.Default = ScriptedReply.Status(500, $"upstream rejected key {Key}");
            var retried = ConnectionTo(server.BaseUrl, maxRetries: 1);
            using var retriedConnection = Factory().Create(retried);
            texts.Add((await new LlmRequestExecutor(retriedConnection, retried, Sampling, FastRetry, logger).ExecuteAsync(Prompt())).ToString());
        }

        // Unreachable endpoint.
        var unreachable = ConnectionTo(new Uri("http://127.0.0.1:9/v1"), maxRetries: 1);
        using (var connection = Factory().Create(unreachable))
        {
            var result = await new LlmRequestExecutor(connection, unreachable, Sampling, FastRetry, logger).ExecuteAsync(Prompt());
            Assert.Equal(LlmOutcome.Failure, result.Outcome);
            texts.Add(result.ToString());
        }

        // A base URL that is not a URL at all, with the key pasted into it.
        var invalid = ConnectionTo(new Uri("http://127.0.0.1/")) with { BaseUrl = $"htp:/{Key}@ bad" };
        var configError = Assert.Throws<LlmConfigurationException>(() => Factory().Create(invalid));
        texts.Add(configError.ToString());

        texts.AddRange(logger.Lines);
        foreach (var activity in activities)
        {
            texts.Add(activity.StatusDescription ?? "");
            texts.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            texts.AddRange(activity.Events.Select(e => e.Name));
        }

        Assert.NotEmpty(logger.Lines);
        Assert.True(activities.Count >= 4);
        Assert.All(texts, text => Assert.DoesNotContain(Key, text, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_settings_are_named_in_the_error()
    {
        var noVariable = ConnectionTo(new Uri("http://127.0.0.1/v1")) with { ApiKeyEnv = "SYNTH_UNSET_VARIABLE" };
        Assert.Contains("'SYNTH_UNSET_VARIABLE'", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noVariable)).Message);

        var noModel = ConnectionTo(new Uri("http://127.0.0.1/v1")) with { Model = null };
        Assert.Contains("generation.model", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noModel)).Message);

        var noDeployment = AzureConnectionTo(new Uri("http://127.0.0.1/")) with { Deployment = null };
        Assert.Contains("generation.deployment", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noDeployment)).Message);

        var noKeyFile = ConnectionTo(new Uri("http://127.0.0.1/v1")) with { ApiKeyEnv = null, ApiKeyFile = "/nonexistent/key" };
        Assert.Contains("'/nonexistent/key' (generation.apiKeyFile)", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noKeyFile)).Message);

        var noFile = new ModelConnection { Provider = LlmProvider.LLamaSharp, ModelPath = "/nonexistent/model.gguf" };
        Assert.Contains("does not exist", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noFile)).Message);
    }

    private static ModelConnection AzureConnectionTo(Uri endpoint) =>
        ConnectionTo(endpoint) with { Provider = LlmProvider.AzureOpenAI, Model = null, Deployment = "gpt-test" };
}
