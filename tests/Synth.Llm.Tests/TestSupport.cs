using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;

namespace Synth.Llm.Tests;

internal static class TestSupport
{
    public const string KeyVariable = "SYNTH_TEST_LLM_KEY";

    // Distinctive, so a leak anywhere is found by a plain substring search.
    public const string Key = "sk-test-5ecret-7f3a9c1e44b2";

    public static readonly LlmRetryOptions FastRetry = new() { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) };

    public static readonly LlmSampling Sampling = new(Temperature: 0.5, TopP: 0.9, MaxOutputTokens: 64);

    public static ModelConnection ConnectionTo(Uri baseUrl, double timeoutSeconds = 10, int maxRetries = 3) => new()
    {
        Provider = LlmProvider.OpenAICompatible,
        Model = "scripted-model",
        BaseUrl = baseUrl.ToString(),
        ApiKeyEnv = KeyVariable,
        TimeoutSeconds = timeoutSeconds,
        MaxRetries = maxRetries,
    };

    public static ChatClientFactory Factory(LlmAccessOptions? options = null) =>
        new(options, name => name == KeyVariable ? Key : null);

    public static LlmRequest Prompt(string text = "Write one sentence.") => new([new ChatMessage(ChatRole.User, text)]);

    public static JsonElement SampleSchema() => JsonDocument.Parse("""
        {"type":"object","properties":{"text":{"type":"string"},"label":{"type":"string"}},"required":["text","label"],"additionalProperties":false}
        """).RootElement.Clone();
}

/// <summary>Keeps every formatted log line, to assert what reaches logs.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue(formatter(state, exception));
        if (exception is not null)
            Lines.Enqueue(exception.ToString());
    }
}
