using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Synth.Contracts.Jobs;
using Synth.Llm;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// The evaluation's LLM judge: the same access the filter's judge uses (its connection, or the job's generation
/// connection when it has none), built by <see cref="ChatClientFactory"/> and called through
/// <see cref="LlmRequestExecutor"/> with its retries, optionally under another model name.
/// </summary>
public sealed class JudgeConnection : IDisposable
{
    private readonly LlmConnection _connection;
    private readonly LlmRequestExecutor _executor;

    /// <param name="model">A model name to use instead of the connection's (evaluation.faithfulness.model).</param>
    /// <exception cref="LlmConfigurationException">The connection lacks a field its provider needs, or names an unset variable.</exception>
    public JudgeConnection(JobSpec spec, string? model, ChatClientFactory clients, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(clients);
        var call = spec.Curation.Filter.Judge.Connection ?? spec.Generation;
        var connection = model is null ? call.Connection : call.Connection.WithModel(model);
        _connection = clients.Create(connection);
        _executor = new LlmRequestExecutor(_connection, connection, LlmSampling.Of(call),
            logger: (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LlmRequestExecutor>(), timeProvider: time);
    }

    /// <summary>The model (or Azure deployment) judging.</summary>
    public string Model => _connection.Model;

    /// <returns>The answer's text, or why there is none (no secrets, never the prompt).</returns>
    public async Task<(string? Answer, string? Failure)> AskAsync(string prompt, CancellationToken cancellationToken)
    {
        var result = await _executor.ExecuteAsync(new LlmRequest([new ChatMessage(ChatRole.User, prompt)]), cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            LlmOutcome.Failure => (null, result.FailureReason ?? "the judge call failed"),
            LlmOutcome.Refusal => (null, "the judge refused"),
            _ => (result.Text, null),
        };
    }

    public void Dispose() => _connection.Dispose();
}
