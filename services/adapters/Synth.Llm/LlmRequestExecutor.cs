using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ChatCompletion = OpenAI.Chat.ChatCompletion;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Synth.Contracts.Jobs;

namespace Synth.Llm;

/// <summary>
/// Sends one chat request with the connection's per-attempt timeout and retries (jittered exponential backoff that honours
/// Retry-After), and classifies the outcome. It never throws for a provider error: the result says what happened,
/// so every request ends as exactly one counted outcome. Only the caller's cancellation escapes as an exception.
/// </summary>
public sealed partial class LlmRequestExecutor
{
    /// <summary>Name of the source that traces one span per request (never the prompt, the answer or the key).</summary>
    public const string ActivitySourceName = "Synth.Llm";

    private static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private const int MaxCauseLength = 200;
    private static readonly TimeSpan RetryAfterMargin = TimeSpan.FromMilliseconds(20);

    private readonly LlmConnection _connection;
    private readonly double _timeoutSeconds;
    private readonly LlmSampling _sampling;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <param name="client">The client <see cref="ChatClientFactory"/> built for <paramref name="connection"/>.</param>
    /// <param name="connection">Its per-attempt timeout and retries apply to every request.</param>
    public LlmRequestExecutor(LlmConnection client, ModelConnection connection, LlmSampling sampling, LlmRetryOptions? retry = null, ILogger<LlmRequestExecutor>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sampling);
        _connection = client;
        _timeoutSeconds = connection.TimeoutSeconds;
        _sampling = sampling;
        _logger = logger ?? NullLogger<LlmRequestExecutor>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _pipeline = BuildPipeline(connection, retry ?? new LlmRetryOptions(), _time);
    }

    /// <summary>
    /// Raised after every attempt, as it happens: lets an adaptive limiter react to a 429 before the retries end.
    /// Concurrent requests raise it concurrently.
    /// </summary>
    public event Action<LlmAttempt>? AttemptCompleted;

    public async Task<LlmResult> ExecuteAsync(LlmRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = ActivitySource.StartActivity("llm.chat", ActivityKind.Client);
        activity?.SetTag("gen_ai.system", _connection.Provider.ToString());
        activity?.SetTag("gen_ai.request.model", _connection.Model);

        var options = ChatOptionsFor(request);
        var attempts = new List<LlmAttempt>();
        LlmResult result;
        try
        {
            var response = await _pipeline.ExecuteAsync(
                async token => await AttemptAsync(request, options, attempts, token, cancellationToken).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            result = Classify(response, attempts);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var last = attempts.Count > 0 ? attempts[^1] : null;
            var reason = last?.Error ?? _connection.Redact(ShortCause(ex));
            if (attempts.Count > 1)
                reason += $" (after {attempts.Count} attempts)";
            result = new LlmResult { Outcome = LlmOutcome.Failure, FailureReason = reason, Attempts = attempts };
            LogFailed(_logger, _connection.Model, reason);
        }

        activity?.SetTag("synth.llm.outcome", result.Outcome.ToString());
        activity?.SetTag("synth.llm.attempts", attempts.Count);
        if (result.Outcome == LlmOutcome.Failure)
            activity?.SetStatus(ActivityStatusCode.Error, result.FailureReason);
        return result;
    }

    private async ValueTask<ChatResponse> AttemptAsync(LlmRequest request, ChatOptions options, List<LlmAttempt> attempts, CancellationToken token, CancellationToken callerToken)
    {
        var number = attempts.Count + 1;
        var started = _time.GetTimestamp();
        try
        {
            var response = await _connection.Client.GetResponseAsync(request.Messages, options, token).ConfigureAwait(false);
            Record(attempts, new LlmAttempt(number, _time.GetElapsedTime(started), StatusCode: null, Failure: null, Error: null, RetryAfter: null));
            return response;
        }
        catch (Exception ex)
        {
            var elapsed = _time.GetElapsedTime(started);
            // The pipeline's token is cancelled by the caller or by the per-attempt timeout.
            var failure = ex is OperationCanceledException && token.IsCancellationRequested
                ? callerToken.IsCancellationRequested ? LlmFailureKind.Cancelled : LlmFailureKind.Timeout
                : KindOf(ex);
            var error = failure switch
            {
                LlmFailureKind.Cancelled => "cancelled",
                LlmFailureKind.Timeout => $"timeout after {_timeoutSeconds.ToString(CultureInfo.InvariantCulture)} s",
                _ => _connection.Redact(ShortCause(ex)),
            };
            var attempt = new LlmAttempt(number, elapsed, StatusOf(ex), failure, error, RetryAfterOf(ex, _time));
            Record(attempts, attempt);
            LogAttemptFailed(_logger, _connection.Model, number, error);
            throw;
        }
    }

    private void Record(List<LlmAttempt> attempts, LlmAttempt attempt)
    {
        attempts.Add(attempt);
        AttemptCompleted?.Invoke(attempt);
    }

    private ChatOptions ChatOptionsFor(LlmRequest request)
    {
        var options = new ChatOptions
        {
            Temperature = (float)_sampling.Temperature,
            TopP = (float)_sampling.TopP,
            MaxOutputTokens = _sampling.MaxOutputTokens,
        };
        if (request.OutputSchema is { } schema && _connection.UsesJsonSchemaResponseFormat)
            options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, request.OutputSchemaName);
        return options;
    }

    private static LlmResult Classify(ChatResponse response, List<LlmAttempt> attempts)
    {
        var finish = response.FinishReason;
        // OpenAI reports a structured-output refusal in its own field, with no content and finish reason "stop".
        var refusal = (response.RawRepresentation as ChatCompletion)?.Refusal;
        var outcome = !string.IsNullOrEmpty(refusal) || finish == ChatFinishReason.ContentFilter ? LlmOutcome.Refusal
            : finish == ChatFinishReason.Length ? LlmOutcome.Truncated
            : LlmOutcome.Success;
        return new LlmResult
        {
            Outcome = outcome,
            Text = string.IsNullOrEmpty(refusal) ? response.Text : refusal,
            FinishReason = finish?.Value,
            PromptTokens = response.Usage?.InputTokenCount,
            CompletionTokens = response.Usage?.OutputTokenCount,
            Attempts = attempts,
        };
    }

    private static ResiliencePipeline BuildPipeline(ModelConnection connection, LlmRetryOptions retry, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (connection.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = connection.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex)),
                // The server's Retry-After wins over the computed backoff (null falls back to it). A little is added:
                // timers may fire a millisecond early, and clients told the same instant should not all return at once.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && RetryAfterOf(ex, time) is { } retryAfter
                        ? retryAfter + RetryAfterMargin + (retry.RetryAfterJitter * Random.Shared.NextDouble())
                        : (TimeSpan?)null),
            });
        }

        // Inside the retry, so the timeout applies to each attempt rather than to the whole request.
        builder.AddTimeout(TimeSpan.FromSeconds(connection.TimeoutSeconds));
        return builder.Build();
    }

    internal static bool IsTransient(Exception ex) => ex switch
    {
        TimeoutRejectedException => true,
        ClientResultException { Status: 0 } => true, // no response at all: connection refused, reset, DNS
        ClientResultException { Status: 408 or 429 } => true,
        ClientResultException { Status: >= 500 } => true,
        HttpRequestException or IOException => true,
        JsonException => true, // malformed or cut-off body: typically a proxy or server hiccup
        _ => false,
    };

    private static int? StatusOf(Exception ex) => ex is ClientResultException { Status: > 0 } cre ? cre.Status : null;

    private static TimeSpan? RetryAfterOf(Exception ex, TimeProvider time)
    {
        if (ex is not ClientResultException { Status: 429 or 503 } cre || cre.GetRawResponse() is not { } response)
            return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        return response.Headers.TryGetValue("Retry-After", out var value) ? RetryAfter.Parse(value, time.GetUtcNow()) : null;
    }

    private static LlmFailureKind KindOf(Exception ex) => ex switch
    {
        ClientResultException { Status: 0 } or HttpRequestException or IOException => LlmFailureKind.Connection,
        ClientResultException => LlmFailureKind.ErrorStatus,
        JsonException => LlmFailureKind.MalformedResponse,
        _ => LlmFailureKind.Other,
    };

    private static string ShortCause(Exception ex) => ex switch
    {
        ClientResultException { Status: 0 } cre => "connection error: " + Cut((cre.InnerException ?? cre).Message),
        ClientResultException cre => $"HTTP {cre.Status} {cre.GetRawResponse()?.ReasonPhrase}: {Cut(ErrorMessageOf(cre))}".Replace(" : ", ": ", StringComparison.Ordinal),
        HttpRequestException or IOException => "connection error: " + Cut(ex.Message),
        JsonException => "malformed response: " + Cut(ex.Message),
        _ => $"{ex.GetType().Name}: {Cut(ex.Message)}",
    };

    // The provider's own error message ({"error":{"message":…}}) is the useful part of an error body.
    private static string ErrorMessageOf(ClientResultException cre)
    {
        var body = cre.GetRawResponse()?.Content?.ToString();
        if (string.IsNullOrWhiteSpace(body))
            return "";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                    return error.GetString() ?? "";
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    return message.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself is the cause.
        }

        return body;
    }

    private static string Cut(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxCauseLength ? line : line[..MaxCauseLength] + "…";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LLM attempt {Attempt} on {Model} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string model, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LLM request on {Model} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string model, string reason);
}
