using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using static Synth.Llm.Tests.TestSupport;

namespace Synth.Llm.Tests;

public sealed class LLamaSharpTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-llm-gguf-").FullName;

    [Fact]
    public async Task A_tiny_random_gguf_loads_on_the_cpu_backend_and_generates()
    {
        var path = Path.Combine(_directory, "tiny.gguf");
        TinyLlamaGguf.Write(path);
        var spec = new ModelConnection { Provider = LlmProvider.LLamaSharp, ModelPath = path, TimeoutSeconds = 120, MaxRetries = 0 };
        using var connection = Factory(new LlmAccessOptions { LLamaContextSize = 256, LLamaThreads = 1 }).Create(spec);

        Assert.Equal("tiny", connection.Model);
        Assert.True(connection.UsesJsonSchemaResponseFormat);
        var executor = new LlmRequestExecutor(connection, spec, new LlmSampling(Temperature: 0.7, TopP: 1.0, MaxOutputTokens: 8));
        var request = new LlmRequest([new ChatMessage(ChatRole.System, "You write reviews."), new ChatMessage(ChatRole.User, "the review")]);

        // Concurrent requests are serialised by the connection rather than corrupting the executor's shared batch.
        var results = await Task.WhenAll(executor.ExecuteAsync(request), executor.ExecuteAsync(request));
        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in connection.Client.GetStreamingResponseAsync(request.Messages, new ChatOptions { MaxOutputTokens = 4 }))
            streamed.Add(update);

        // Random weights emit arbitrary tokens (possibly end-of-text at once): the loop ran if the calls succeeded.
        Assert.All(results, result =>
        {
            Assert.Equal(LlmOutcome.Success, result.Outcome);
            Assert.NotNull(result.Text);
            Assert.Single(result.Attempts);
        });
        Assert.True(streamed.Count <= 4, $"{streamed.Count} updates for at most 4 tokens");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
