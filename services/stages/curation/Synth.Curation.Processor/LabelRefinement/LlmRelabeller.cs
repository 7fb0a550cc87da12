using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Curation.Labels;
using Synth.Llm;
using Synth.Pipeline;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>
/// Auxiliary-model relabelling with self-consistency: the relabel model (its own connection, or the job's) is asked
/// k times, concurrently; <see cref="SelfConsistency"/> takes the majority and its agreement. The job's maxRequests
/// is counted per process.
/// </summary>
public sealed class LlmRelabeller(ILoggerFactory loggerFactory, TimeProvider time, ChatClientFactory clients) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(LlmConnection Connection, LlmRequestExecutor Executor)>> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);

    public async Task<RelabelVotes> VoteAsync(PipelineJob job, string text, CancellationToken cancellationToken)
    {
        var spec = job.Spec.Curation.LabelRefinement.LlmRelabel;
        var (connection, executor) = For(job);
        if (!Reserve(job.JobId, spec))
        {
            return new RelabelVotes(null, 0, 0, connection.Model, $"llm relabel: the job's budget of {spec.MaxRequests} requests is used up");
        }

        var labels = job.Spec.Task.Labels.Select(label => new LabelDefinition(label.Name, label.Description)).ToList();
        var prompt = RelabelPrompt.Build(spec.Prompt, labels, text);
        var answers = await Task.WhenAll(Enumerable.Range(0, spec.Votes).Select(_ =>
            executor.ExecuteAsync(new LlmRequest([new ChatMessage(ChatRole.User, prompt)]), cancellationToken))).ConfigureAwait(false);
        var votes = answers
            .Where(answer => answer.Outcome == LlmOutcome.Success)
            .Select(answer => RelabelPrompt.ParseVote(answer.Text, labels))
            .OfType<string>()
            .ToList();
        var invalid = spec.Votes - votes.Count;
        if (votes.Count == 0)
        {
            var failure = answers.Select(answer => answer.FailureReason).FirstOrDefault(reason => reason is not null);
            return new RelabelVotes(null, spec.Votes, invalid, connection.Model,
                $"llm relabel: no valid vote in {spec.Votes} answers{(failure is null ? " (none named a label)" : $" ({failure})")}");
        }

        return new RelabelVotes(SelfConsistency.Aggregate(votes, [.. labels.Select(label => label.Name)]), spec.Votes, invalid, connection.Model, null);
    }

    public void Dispose()
    {
        foreach (var job in _jobs.Values.Where(job => job.IsValueCreated))
        {
            job.Value.Connection.Dispose();
        }
    }

    private bool Reserve(string jobId, LlmRelabelSpec spec)
    {
        if (spec.MaxRequests is not { } max)
        {
            return true;
        }

        var used = _requests.AddOrUpdate(jobId, spec.Votes, (_, count) => count + spec.Votes);
        if (used <= max)
        {
            return true;
        }

        _requests.AddOrUpdate(jobId, 0, (_, count) => count - spec.Votes);
        return false;
    }

    private (LlmConnection Connection, LlmRequestExecutor Executor) For(PipelineJob job)
    {
        var entry = _jobs.GetOrAdd(job.JobId, _ => new(() => Start(job)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A job whose connection could not be made (an unset key variable) is tried afresh next time.
            _jobs.TryRemove(new KeyValuePair<string, Lazy<(LlmConnection, LlmRequestExecutor)>>(job.JobId, entry));
            throw;
        }
    }

    private (LlmConnection, LlmRequestExecutor) Start(PipelineJob job)
    {
        // The relabel model's own connection, or the job's generation connection.
        var call = job.Spec.Curation.LabelRefinement.LlmRelabel.Model ?? (ModelCallSpec)job.Spec.Generation;
        var connection = clients.Create(call.Connection);
        return (connection, new LlmRequestExecutor(connection, call.Connection, LlmSampling.Of(call), logger: loggerFactory.CreateLogger<LlmRequestExecutor>(), timeProvider: time));
    }
}
