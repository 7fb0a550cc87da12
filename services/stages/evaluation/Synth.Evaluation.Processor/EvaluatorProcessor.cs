using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Llm.Embeddings;
using Synth.Evaluation;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Evaluation.Processor;

/// <summary>
/// The built-in evaluator stage. Every sample is marked evaluated, with its novelty (when the job measures
/// embeddings) and length as scores. Per job, this instance keeps <see cref="JobMetrics"/> over the samples it has
/// evaluated and publishes them as cumulative <see cref="FeedbackMessage"/>s every <c>feedback.everySamples</c>
/// samples or <c>feedback.everySeconds</c>. Several instances each count their own samples (the consumer sums the
/// latest message of each instance); an instance that restarts under the same name first recounts, from the store,
/// the samples its earlier life decided. The report is not built from this state but recomputed from the store.
/// A class-conditional job's sample whose label already has its quota of curated samples (<see cref="LabelQuota"/>)
/// is rejected instead; the slots are claimed in the store by sample id, so they hold across instances and a
/// redelivered sample keeps the slot it was granted.
/// </summary>
public sealed partial class EvaluatorProcessor : ISampleProcessor, IDisposable
{
    private static readonly TimeSpan FlushPeriod = TimeSpan.FromSeconds(1);

    private readonly ISampleStore _store;
    private readonly IDedupStore _quotas;
    private readonly IFeedbackPublisher _feedback;
    private readonly TimeProvider _time;
    private readonly ILogger<EvaluatorProcessor> _logger;
    private readonly string _instance;
    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> _embedder;
    private readonly bool _ownsEmbedder;
    private readonly ConcurrentDictionary<string, JobState> _jobs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flushing;
    private long _feedbackFailures;

    /// <summary>The host's constructor: embeddings from the local MiniLM model, loaded when a job first needs them.</summary>
    [ActivatorUtilitiesConstructor]
    public EvaluatorProcessor(
        ISampleStore store, IDedupStore quotas, IFeedbackPublisher feedback, InstanceIdentity instance, TimeProvider time, ILogger<EvaluatorProcessor> logger)
        : this(store, quotas, feedback, instance.Name, time, logger, null)
    {
    }

    /// <param name="quotas">Where the label quotas' slots are claimed.</param>
    /// <param name="embedder">The embedding model; null loads MiniLM on first use (and disposes it with this processor).</param>
    public EvaluatorProcessor(
        ISampleStore store,
        IDedupStore quotas,
        IFeedbackPublisher feedback,
        string instanceName,
        TimeProvider time,
        ILogger<EvaluatorProcessor> logger,
        IEmbeddingGenerator<string, Embedding<float>>? embedder)
    {
        _store = store;
        _quotas = quotas;
        _feedback = feedback;
        _instance = instanceName;
        _time = time;
        _logger = logger;
        _ownsEmbedder = embedder is null;
        _embedder = new Lazy<IEmbeddingGenerator<string, Embedding<float>>>(() => embedder ?? new MiniLmEmbeddingGenerator());
        _flushing = FlushLoopAsync(_stop.Token);
    }

    public Stage Stage => Stage.Evaluator;

    /// <summary>Feedback messages that could not be published (each is logged; the next one carries the same cumulative counts).</summary>
    public long FeedbackFailures => Interlocked.Read(ref _feedbackFailures);

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        var state = await StateOfAsync(job, cancellationToken).ConfigureAwait(false);
        if (state.Quota is { } quota && await OverQuotaAsync(quota, sample, cancellationToken).ConfigureAwait(false) is { } overQuota)
        {
            LogQuotaFull(_logger, job.JobId, sample.Id, sample.Content.Label!, overQuota);
            return new StageVerdict(SampleState.Rejected, Reason: overQuota);
        }

        var text = SampleText.Of(sample.Content);
        ReadOnlyMemory<float>? embedding = null;
        if (state.Metrics.UsesEmbeddings)
        {
            var generated = await _embedder.Value.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false);
            embedding = generated[0].Vector;
        }

        double? novelty;
        FeedbackMessage? due = null;
        lock (state)
        {
            // A sample handled again in this process (its store write failed) is not counted twice.
            novelty = null;
            if (state.Counted.Add(IdHash(sample.Id)))
            {
                novelty = state.Metrics.Add(sample, embedding);
                state.Unpublished++;
            }

            if (state.Unpublished >= job.Spec.Evaluation.Feedback.EverySamples
                || (state.Unpublished > 0 && _time.GetUtcNow() - state.LastPublished >= state.Interval))
            {
                due = TakeFeedback(state);
            }
        }

        if (due is not null)
        {
            await PublishAsync(due, cancellationToken).ConfigureAwait(false);
        }

        var scores = new Dictionary<string, double> { ["words"] = WordTokens.Of(text).Count };
        if (novelty is { } measured)
        {
            scores["novelty"] = measured;
        }

        return new StageVerdict(SampleState.Evaluated, scores);
    }

    /// <summary>The job's metrics over the samples this instance has evaluated; null before its first sample.</summary>
    public JobMetricsSnapshot? Snapshot(string jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var state) || !state.Ready.Task.IsCompletedSuccessfully)
        {
            return null;
        }

        lock (state)
        {
            return state.Metrics.Snapshot();
        }
    }

    /// <summary>Publishes every job's feedback that has samples not yet published (e.g. when a run ends).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var state in _jobs.Values)
        {
            FeedbackMessage? due;
            lock (state)
            {
                due = state.Unpublished > 0 ? TakeFeedback(state) : null;
            }

            if (due is not null)
            {
                await PublishAsync(due, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private FeedbackMessage TakeFeedback(JobState state)
    {
        var now = _time.GetUtcNow();
        state.Unpublished = 0;
        state.LastPublished = now;
        var snapshot = state.Metrics.Snapshot();
        return new FeedbackMessage
        {
            JobId = state.JobId,
            Instance = _instance,
            At = now,
            SamplesEvaluated = snapshot.Samples,
            ConditionCounts = snapshot.ConditionCounts.ToDictionary(d => d.Key, d => d.Value.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal),
            ConditionNovelty = snapshot.ConditionNovelty.ToDictionary(d => d.Key, d => d.Value.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal),
            LabelCounts = snapshot.Labels?.Counts.ToDictionary(StringComparer.Ordinal) ?? [],
            MeanNovelty = snapshot.MeanNovelty,
        };
    }

    private async Task PublishAsync(FeedbackMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _feedback.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            LogPublished(_logger, message.JobId, message.SamplesEvaluated);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Feedback steers generation; it is not a sample. Counts are cumulative, so the next message repairs the gap.
            Interlocked.Increment(ref _feedbackFailures);
            LogPublishFailed(_logger, ex, message.JobId);
        }
    }

    private async Task<JobState> StateOfAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        if (_jobs.TryGetValue(job.JobId, out var existing))
        {
            await existing.Ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return existing;
        }

        var created = new JobState(job.JobId, new JobMetrics(job.Spec), LabelQuota.Of(job.JobId, job.Spec), _time.GetUtcNow(), TimeSpan.FromSeconds(job.Spec.Evaluation.Feedback.EverySeconds));
        var state = _jobs.GetOrAdd(job.JobId, created);
        if (!ReferenceEquals(state, created))
        {
            await state.Ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return state;
        }

        try
        {
            var restored = await RestoreAsync(state, cancellationToken).ConfigureAwait(false);
            LogRestored(_logger, job.JobId, restored);
            state.Ready.SetResult();
        }
        catch (Exception ex)
        {
            // The next sample of the job tries again from scratch.
            _jobs.TryRemove(job.JobId, out _);
            state.Ready.SetException(ex);
            throw;
        }

        return state;
    }

    /// <summary>Recounts the job's samples that this instance (by name) evaluated before it restarted.</summary>
    private async Task<long> RestoreAsync(JobState state, CancellationToken cancellationToken)
    {
        long restored = 0;
        string? after = null;
        do
        {
            var page = await _store.QuerySamplesAsync(
                new SampleQuery { JobId = state.JobId, States = [SampleState.Evaluated], AfterId = after, Limit = 500 },
                cancellationToken).ConfigureAwait(false);
            foreach (var sample in page.Items)
            {
                var decision = sample.Decisions.LastOrDefault(d => d.Stage == Stage.Evaluator);
                if (decision?.DecidedBy == _instance && state.Counted.Add(IdHash(sample.Id)))
                {
                    state.Metrics.Restore(sample, decision.Scores.TryGetValue("novelty", out var novelty) ? novelty : null);
                    restored++;
                }
            }

            after = page.NextAfterId;
        }
        while (after is not null);
        return restored;
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FlushPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var state in _jobs.Values)
                {
                    FeedbackMessage? due = null;
                    lock (state)
                    {
                        if (state.Unpublished > 0 && _time.GetUtcNow() - state.LastPublished >= state.Interval)
                        {
                            due = TakeFeedback(state);
                        }
                    }

                    if (due is not null)
                    {
                        await PublishAsync(due, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private static long IdHash(string id) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0);

    /// <summary>
    /// Claims the sample's slot in its label's quota; the rejection reason when it gets none. A sample whose votes named
    /// a full label by majority (too few to relabel it, <see cref="DisputedLabel"/>) is probably that label's surplus:
    /// it is rejected as such, so the kept set does not collect the relabelling's misses once their true label is full.
    /// </summary>
    private async Task<string?> OverQuotaAsync(LabelQuota quota, SampleDocument sample, CancellationToken cancellationToken)
    {
        if (sample.Content.Label is not { } label || quota.LimitOf(label) is not { } limit)
        {
            return null;
        }

        var counter = quota.CounterOf(label);
        // A limit of 0 grants nothing: it asks whether an earlier delivery of this sample holds a slot, which it keeps.
        if (DisputedLabel.Of(sample) is { } disputed && quota.LimitOf(disputed) is { } disputedLimit
            && !await _quotas.TryClaimSlotAsync(counter, sample.Id, 0, cancellationToken).ConfigureAwait(false)
            && await _quotas.CountSlotsAsync(quota.CounterOf(disputed), cancellationToken).ConfigureAwait(false) >= disputedLimit)
        {
            return LabelQuota.DisputedReason(label, disputed, disputedLimit);
        }

        return await _quotas.TryClaimSlotAsync(counter, sample.Id, limit, cancellationToken).ConfigureAwait(false)
            ? null
            : LabelQuota.FullReason(label, limit);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _flushing.GetAwaiter().GetResult();
        _stop.Dispose();
        if (_ownsEmbedder && _embedder.IsValueCreated)
        {
            _embedder.Value.Dispose();
        }
    }

    private sealed class JobState(string jobId, JobMetrics metrics, LabelQuota? quota, DateTimeOffset createdAt, TimeSpan interval)
    {
        public string JobId { get; } = jobId;
        public JobMetrics Metrics { get; } = metrics;
        public LabelQuota? Quota { get; } = quota;
        /// <summary>64-bit hashes of the ids counted (8 bytes a sample, so millions fit).</summary>
        public HashSet<long> Counted { get; } = [];
        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Unpublished { get; set; }
        public DateTimeOffset LastPublished { get; set; } = createdAt;
        public TimeSpan Interval { get; } = interval;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published feedback of job {JobId}: {Samples} samples evaluated by this instance")]
    private static partial void LogPublished(ILogger logger, string jobId, long samples);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing feedback of job {JobId} failed; the next message carries the same cumulative counts")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rejected sample {SampleId} of job {JobId} labelled {Label}: {Reason}")]
    private static partial void LogQuotaFull(ILogger logger, string jobId, string sampleId, string label, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluator state of job {JobId} ready: {Restored} samples this instance evaluated earlier recounted from the store")]
    private static partial void LogRestored(ILogger logger, string jobId, long restored);
}
