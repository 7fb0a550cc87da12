using System.Diagnostics;
using Synth.Contracts.Jobs;
using static Synth.Llm.Tests.TestSupport;

namespace Synth.Llm.Tests;

public sealed class LlmRequestExecutorTests
{
    [Fact]
    public async Task Answer_is_a_success_with_text_finish_reason_and_usage()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Answer("a synthetic review", promptTokens: 42, completionTokens: 5));
        using var connection = Factory().Create(ConnectionTo(server.BaseUrl));

        var result = await new LlmRequestExecutor(connection, ConnectionTo(server.BaseUrl), Sampling).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.Equal("a synthetic review", result.Text);
        Assert.Equal("stop", result.FinishReason);
        Assert.Equal(42, result.PromptTokens);
        Assert.Equal(5, result.CompletionTokens);
        Assert.Single(result.Attempts);
        Assert.False(result.Throttled);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {Key}", request.Headers["Authorization"]);
        Assert.Equal("scripted-model", (string?)request.Body["model"]);
        Assert.Equal(0.5, (double)request.Body["temperature"]!, 3);
        Assert.Equal(0.9, (double)request.Body["top_p"]!, 3);
        Assert.Equal("Write one sentence.", (string?)request.Body["messages"]![0]!["content"]);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Server_errors_are_retried_until_success(int status)
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Status(status), ScriptedReply.Status(status), ScriptedReply.Answer("fine"));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.Equal("fine", result.Text);
        Assert.Equal([status, status, null], result.Attempts.Select(a => a.StatusCode));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Retries_exhausted_end_as_a_failure_with_status_and_cause()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Status(500, "model backend crashed");
        var spec = ConnectionTo(server.BaseUrl, maxRetries: 2);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Failure, result.Outcome);
        Assert.Equal("HTTP 500 Internal Server Error: model backend crashed (after 3 attempts)", result.FailureReason);
        Assert.Equal(3, result.Attempts.Count);
        Assert.Equal(3, server.Requests.Count);
    }

    [Theory]
    [InlineData(400, "Bad Request")]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(404, "Not Found")]
    public async Task Client_errors_are_not_retried(int status, string phrase)
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Status(status, "no good");
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Failure, result.Outcome);
        Assert.Equal($"HTTP {status} {phrase}: no good", result.FailureReason);
        Assert.Single(result.Attempts);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Retry_after_in_seconds_is_honoured_and_reported_as_throttling()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.TooManyRequests("1"), ScriptedReply.Answer("after the wait"));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);
        var executor = new LlmRequestExecutor(connection, spec, Sampling, FastRetry);
        var seen = new List<LlmAttempt>();
        executor.AttemptCompleted += seen.Add;

        var result = await executor.ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.True(result.Throttled);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Attempts[0].RetryAfter);
        Assert.Equal(result.Attempts, seen);
        var requests = server.Requests;
        var waited = requests[1].ReceivedAt - requests[0].ReceivedAt;
        Assert.True(waited >= TimeSpan.FromSeconds(1), $"waited only {waited}");
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_honoured()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        // HTTP dates have whole seconds: aim at a whole second at least one second away.
        var now = DateTimeOffset.UtcNow;
        var until = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(2);
        server.Enqueue(ScriptedReply.TooManyRequestsUntil(until), ScriptedReply.Answer("after the date"));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        var arrived = server.Requests[1].ReceivedAt;
        Assert.True(arrived >= until, $"retried at {arrived:O}, Retry-After was {until:O}");
    }

    [Fact]
    public async Task Retry_after_on_503_is_honoured()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Status(503, "overloaded", retryAfter: "1"), ScriptedReply.Answer("ok"));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.False(result.Throttled);
        var waited = server.Requests[1].ReceivedAt - server.Requests[0].ReceivedAt;
        Assert.True(waited >= TimeSpan.FromSeconds(1), $"waited only {waited}");
    }

    [Fact]
    public async Task Retry_after_ms_is_preferred_for_its_precision()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Status(429, "slow down", retryAfter: "30", retryAfterMs: "700"), ScriptedReply.Answer("ok"));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.Equal(TimeSpan.FromMilliseconds(700), result.Attempts[0].RetryAfter);
        var waited = server.Requests[1].ReceivedAt - server.Requests[0].ReceivedAt;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_hanging_server_times_out_per_attempt_and_the_retry_succeeds()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Hang(), ScriptedReply.Answer("second try"));
        var spec = ConnectionTo(server.BaseUrl, timeoutSeconds: 0.5);
        using var connection = Factory().Create(spec);

        var clock = Stopwatch.StartNew();
        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.Equal("timeout after 0.5 s", result.Attempts[0].Error);
        Assert.InRange(result.Attempts[0].Latency, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_server_that_always_hangs_ends_as_a_timeout_failure()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Hang();
        var spec = ConnectionTo(server.BaseUrl, timeoutSeconds: 0.3, maxRetries: 1);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Failure, result.Outcome);
        Assert.Equal("timeout after 0.3 s (after 2 attempts)", result.FailureReason);
        // The client gives up after 0.3 s; on a loaded machine the server may log the second request a moment later.
        for (var waited = 0; server.Requests.Count < 2 && waited < 5000; waited += 20)
        {
            await Task.Delay(20);
        }

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Malformed_and_truncated_bodies_are_retried_then_classified()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(ScriptedReply.Malformed(), ScriptedReply.TruncatedJson(), ScriptedReply.Answer("whole"));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        var retried = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Success, retried.Outcome);
        Assert.Equal("whole", retried.Text);
        Assert.All(retried.Attempts.Take(2), a => Assert.StartsWith("malformed response: ", a.Error));

        server.Default = ScriptedReply.TruncatedJson();
        var failed = await new LlmRequestExecutor(connection, ConnectionTo(server.BaseUrl, maxRetries: 1), Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Failure, failed.Outcome);
        Assert.StartsWith("malformed response: ", failed.FailureReason);
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task Refusals_and_cut_answers_are_classified_without_retrying()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Enqueue(
            ScriptedReply.Refusal("I can't help with that."),
            ScriptedReply.Answer("", finishReason: "content_filter"),
            ScriptedReply.Answer("a sentence cut in the", finishReason: "length", completionTokens: 64));
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);
        var executor = new LlmRequestExecutor(connection, spec, Sampling, FastRetry);

        var refusal = await executor.ExecuteAsync(Prompt());
        var filtered = await executor.ExecuteAsync(Prompt());
        var cut = await executor.ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Refusal, refusal.Outcome);
        Assert.Equal("I can't help with that.", refusal.Text);
        Assert.Equal(LlmOutcome.Refusal, filtered.Outcome);
        Assert.Equal("content_filter", filtered.FinishReason);
        Assert.Equal(LlmOutcome.Truncated, cut.Outcome);
        Assert.Equal("a sentence cut in the", cut.Text);
        Assert.Equal(64, cut.CompletionTokens);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_retried_connection_failure()
    {
        // A port that was free a moment ago: connection refused.
        Uri closed;
        await using (var server = await ScriptedChatServer.StartAsync())
            closed = server.BaseUrl;
        var spec = ConnectionTo(closed, maxRetries: 2);
        using var connection = Factory().Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling, FastRetry).ExecuteAsync(Prompt());

        Assert.Equal(LlmOutcome.Failure, result.Outcome);
        Assert.StartsWith("connection error: ", result.FailureReason);
        Assert.EndsWith("(after 3 attempts)", result.FailureReason);
        Assert.All(result.Attempts, a => Assert.Null(a.StatusCode));
    }

    [Fact]
    public async Task Outcomes_add_up_to_requests_and_attempts_to_what_the_server_saw()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        var script = new[]
        {
            ScriptedReply.Answer("a"), ScriptedReply.Status(500), ScriptedReply.TooManyRequests("0"), ScriptedReply.Malformed(),
            ScriptedReply.Status(400), ScriptedReply.Refusal("no"), ScriptedReply.Answer("b", finishReason: "length"),
            ScriptedReply.TruncatedJson(), ScriptedReply.Status(503), ScriptedReply.Answer("c"),
        };
        for (var i = 0; i < 4; i++)
            server.Enqueue(script);
        server.Default = ScriptedReply.Status(500);
        var spec = ConnectionTo(server.BaseUrl, maxRetries: 2);
        using var connection = Factory().Create(spec);
        var executor = new LlmRequestExecutor(connection, spec, Sampling, FastRetry);
        var attemptEvents = 0;
        executor.AttemptCompleted += _ => Interlocked.Increment(ref attemptEvents);

        const int Requests = 30;
        var results = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => executor.ExecuteAsync(Prompt())));

        var byOutcome = results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Requests, byOutcome.Values.Sum());
        Assert.Equal(server.Requests.Count, results.Sum(r => r.Attempts.Count));
        Assert.Equal(server.Requests.Count, attemptEvents);
        Assert.All(results.Where(r => r.Outcome == LlmOutcome.Failure), r => Assert.False(string.IsNullOrEmpty(r.FailureReason)));
        Assert.True(byOutcome.GetValueOrDefault(LlmOutcome.Success) > 0);
        Assert.True(byOutcome.GetValueOrDefault(LlmOutcome.Failure) > 0);
    }

    [Fact]
    public async Task An_output_schema_is_sent_as_json_schema_response_format()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Answer("""{"text":"t","label":"positive"}""");
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);

        await new LlmRequestExecutor(connection, spec, Sampling).ExecuteAsync(Prompt() with { OutputSchema = SampleSchema(), OutputSchemaName = "review" });

        var format = server.Requests.Single().Body["response_format"]!;
        Assert.Equal("json_schema", (string?)format["type"]);
        Assert.Equal("review", (string?)format["json_schema"]!["name"]);
        Assert.Equal("object", (string?)format["json_schema"]!["schema"]!["type"]);
        Assert.NotNull(format["json_schema"]!["schema"]!["properties"]!["label"]);
    }

    [Fact]
    public async Task Structured_output_can_be_turned_off_for_servers_without_it()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory(new LlmAccessOptions { JsonSchemaOpenAICompatible = false }).Create(spec);

        var result = await new LlmRequestExecutor(connection, spec, Sampling).ExecuteAsync(Prompt() with { OutputSchema = SampleSchema() });

        Assert.Equal(LlmOutcome.Success, result.Outcome);
        Assert.False(server.Requests.Single().Body.ContainsKey("response_format"));
    }

    [Fact]
    public async Task Caller_cancellation_propagates_instead_of_becoming_a_failure()
    {
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Hang();
        var spec = ConnectionTo(server.BaseUrl);
        using var connection = Factory().Create(spec);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var executor = new LlmRequestExecutor(connection, spec, Sampling, FastRetry);
        var seen = new List<LlmAttempt>();
        executor.AttemptCompleted += seen.Add;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteAsync(Prompt(), cancel.Token));
        Assert.Single(server.Requests);
        Assert.Equal("cancelled", Assert.Single(seen).Error);
    }
}
