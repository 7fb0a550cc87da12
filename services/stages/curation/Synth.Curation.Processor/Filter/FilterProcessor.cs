using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Samples;
using Synth.Llm.Embeddings;
using Synth.Llm;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// The built-in filter stage (<c>Processors:Filter</c>): runs each job's <see cref="JobFilter"/> (the chain of
/// <c>curation.filter</c>, the optional LLM judge with its budget, rank-and-drop, store-backed dedup and the
/// stream-time weight) and returns accepted or rejected with every score and the reason. The local embedding model
/// is loaded once, on the first job that wants it; when it cannot be loaded, relevance and semantic dedup are off
/// (recorded on each decision) unless the job requires them, which fails its samples with the reason.
/// </summary>
/// <param name="loadEmbeddings">Loads the embedding model (the caller then owns it); the local MiniLM, owned here, when null.</param>
/// <param name="clients">Builds the judge's model client; the default reads API keys from the environment variables the spec names.</param>
public sealed partial class FilterProcessor(
    ISampleStore store,
    IDedupStore dedupStore,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    Func<IEmbeddingGenerator<string, Embedding<float>>>? loadEmbeddings = null,
    ChatClientFactory? clients = null) : ISampleProcessor, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JobFilter>>> jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IDisposable> owned = [];
    private readonly Lazy<(IEmbeddingGenerator<string, Embedding<float>>? Generator, string? Problem)> model = new(() => LoadModel(loadEmbeddings, loggerFactory));
    private readonly ChatClientFactory clients = clients ?? new ChatClientFactory();
    private readonly ILogger logger = loggerFactory.CreateLogger<FilterProcessor>();

    public Stage Stage => Stage.Filter;

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        var filter = await For(job, cancellationToken).ConfigureAwait(false);
        return await filter.DecideAsync(sample, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        // Only the model this processor loaded itself; a given one belongs to the caller.
        if (loadEmbeddings is null && model.IsValueCreated && model.Value.Generator is IDisposable loaded)
        {
            loaded.Dispose();
        }
    }

    private Task<JobFilter> For(PipelineJob job, CancellationToken cancellationToken)
    {
        var lazy = jobs.GetOrAdd(job.JobId, _ => new Lazy<Task<JobFilter>>(() => CreateAsync(job, cancellationToken)));
        var task = lazy.Value;
        // A failed set-up (e.g. required embeddings missing) is not cached as a failure forever: the next sample retries.
        if (task.IsFaulted || task.IsCanceled)
        {
            jobs.TryRemove(new KeyValuePair<string, Lazy<Task<JobFilter>>>(job.JobId, lazy));
        }

        return task;
    }

    private async Task<JobFilter> CreateAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        var spec = job.Spec.Curation.Filter;
        var wantsEmbeddings = spec.Relevance.Enabled != false || spec.Dedup.Semantic != false;
        var (generator, problem) = wantsEmbeddings ? model.Value : (null, "not asked for");
        ISampleJudge? judge = null;
        if (spec.Judge.Enabled)
        {
            var llmJudge = new LlmJudge(job, clients, dedupStore, loggerFactory, time);
            owned.Add(llmJudge);
            judge = llmJudge;
        }

        var (onTask, onTaskProblem) = spec.Relevance.Escalate && !spec.Judge.Enabled && spec.Relevance.Enabled != false ? OnTaskCheck(job) : (null, null);
        var filter = await JobFilter.CreateAsync(job, dedupStore, generator, problem, judge, onTask, onTaskProblem, store, cancellationToken).ConfigureAwait(false);
        LogJobReady(logger, job.JobId, string.Join(", ", filter.Chain.Filters.Select(f => f.Name)), spec.Judge.Enabled, spec.Mode.ToString());
        return filter;
    }

    /// <summary>Relevance escalation's model; none when the job's connection cannot be built (a job without an LLM).</summary>
    private (IOnTaskCheck?, string?) OnTaskCheck(PipelineJob job)
    {
        try
        {
            var check = new LlmOnTaskCheck(job, clients, dedupStore, loggerFactory, time);
            owned.Add(check);
            return (check, null);
        }
        catch (LlmConfigurationException e)
        {
            return (null, e.Message);
        }
    }

    private static (IEmbeddingGenerator<string, Embedding<float>>?, string?) LoadModel(Func<IEmbeddingGenerator<string, Embedding<float>>>? load, ILoggerFactory loggerFactory)
    {
        try
        {
            return (load is null ? new MiniLmEmbeddingGenerator() : load(), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogModelUnavailable(loggerFactory.CreateLogger<FilterProcessor>(), e.Message);
            return (null, $"the embedding model could not be loaded: {e.GetType().Name}: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Filter ready for job {JobId}: filters [{Filters}], judge {Judge}, mode {Mode}")]
    private static partial void LogJobReady(ILogger logger, string jobId, string filters, bool judge, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The local embedding model could not be loaded; relevance and semantic dedup are off unless a job requires them: {Error}")]
    private static partial void LogModelUnavailable(ILogger logger, string error);
}
