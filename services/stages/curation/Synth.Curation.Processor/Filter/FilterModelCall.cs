using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Llm;
using Synth.Pipeline;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// The filter's model: the judge's own connection, else the job's generation connection, behind the request executor
/// (retries, rate limits). Shared by the LLM judge and relevance escalation, which must ask the same model.
/// </summary>
public sealed class FilterModelCall : IDisposable
{
    private readonly LlmConnection connection;
    private readonly LlmRequestExecutor executor;

    public FilterModelCall(PipelineJob job, ChatClientFactory clients, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var call = job.Spec.Curation.Filter.Judge.Connection ?? job.Spec.Generation;
        connection = clients.Create(call.Connection);
        executor = new LlmRequestExecutor(connection, call.Connection, LlmSampling.Of(call), logger: loggerFactory.CreateLogger<LlmRequestExecutor>(), timeProvider: time);
    }

    public string Model => connection.Model;

    public Task<LlmResult> AskAsync(string prompt, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(new LlmRequest([new ChatMessage(ChatRole.User, prompt)]), cancellationToken);

    public void Dispose() => connection.Dispose();
}
