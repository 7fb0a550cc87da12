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
        var spec = AzureSpec(server.Root);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec).ExecuteAsync(Prompt() with { OutputSchema = SampleSchema() });

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
        var spec = Spec(server.BaseUrl);
        spec.ApiKeyEnv = null;
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec).ExecuteAsync(Prompt());

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
            foreach (var spec in new[] { Spec(server.BaseUrl), AzureSpec(server.Root) })
            {
                using var connection = Factory().Create(spec);
                var rejected = await new LlmRequestExecutor(connection, spec, FastRetry, logger).ExecuteAsync(Prompt());
                Assert.Equal(LlmOutcome.Failure, rejected.Outcome);
                // The server did echo the key: the client redacted it.
                Assert.Contains("HTTP 401 Unauthorized: Incorrect API key provided: ***", rejected.FailureReason);
                texts.Add(rejected.ToString());
                texts.AddRange(rejected.Attempts.Select(a => a.ToString()));
            }

            // A server that puts the key into a 500 body is retried, and still nothing leaks.
            server.Default = ScriptedReply.Status(500, $"upstream rejected key {Key}");
            var retried = Spec(server.BaseUrl, maxRetries: 1);
            using var retriedConnection = Factory().Create(retried);
            texts.Add((await new LlmRequestExecutor(retriedConnection, retried, FastRetry, logger).ExecuteAsync(Prompt())).ToString());
        }

        // Unreachable endpoint.
        var unreachable = Spec(new Uri("http://127.0.0.1:9/v1"), maxRetries: 1);
        using (var connection = Factory().Create(unreachable))
        {
            var result = await new LlmRequestExecutor(connection, unreachable, FastRetry, logger).ExecuteAsync(Prompt());
            Assert.Equal(LlmOutcome.Failure, result.Outcome);
            texts.Add(result.ToString());
        }

        // A base URL that is not a URL at all, with the key pasted into it.
        var invalid = Spec(new Uri("http://127.0.0.1/"));
        invalid.BaseUrl = $"htp:/{Key}@ bad";
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
        var noVariable = Spec(new Uri("http://127.0.0.1/v1"));
        noVariable.ApiKeyEnv = "SYNTH_UNSET_VARIABLE";
        Assert.Contains("'SYNTH_UNSET_VARIABLE'", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noVariable)).Message);

        var noModel = Spec(new Uri("http://127.0.0.1/v1"));
        noModel.Model = null;
        Assert.Contains("generation.model", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noModel)).Message);

        var noDeployment = AzureSpec(new Uri("http://127.0.0.1/"));
        noDeployment.Deployment = null;
        Assert.Contains("generation.deployment", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noDeployment)).Message);

        var noFile = new GenerationSpec { Provider = LlmProvider.LLamaSharp, ModelPath = "/nonexistent/model.gguf" };
        Assert.Contains("does not exist", Assert.Throws<LlmConfigurationException>(() => Factory().Create(noFile)).Message);
    }

    private static GenerationSpec AzureSpec(Uri endpoint)
    {
        var spec = Spec(endpoint);
        spec.Provider = LlmProvider.AzureOpenAI;
        spec.Model = null;
        spec.Deployment = "gpt-test";
        return spec;
    }
}
