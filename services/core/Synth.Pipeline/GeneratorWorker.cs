using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Drives generation of one job until it has its target of curated samples: plans the job's requests (deterministic
/// ids, more as the stages reject samples; see <see cref="CuratedTarget"/>), skips every request that already has
/// a ledger record (a stored answer is never bought again), stores each new request's samples together with its
/// ledger record, and publishes the samples, each under a trace of its own. On start it re-publishes the samples
/// that were stored but may not have been published before a crash.
/// </summary>
public sealed partial class GeneratorWorker(
    ISampleGenerator generator,
    ISampleStore store,
    IMessagePublisher publisher,
    StageActivity activity,
    TimeProvider time,
    ILogger<GeneratorWorker> logger,
    string instanceName)
{
    private static readonly TimeSpan TargetPollInterval = TimeSpan.FromMilliseconds(200);

    private readonly string _source = $"/synth/generator/{instanceName}";
    private readonly ConcurrentDictionary<string, long> _planned = new(StringComparer.Ordinal);

    /// <summary>Requests of the job's first pass: ceil(target / samples per request).</summary>
    public static long RequestCount(PipelineJob job) => CuratedTarget.InitialRequests(job.Spec.Generation);

    /// <summary>Requests planned so far for the job (grows while the curated target is not met).</summary>
    public long PlannedRequests(PipelineJob job) => _planned.TryGetValue(job.JobId, out var planned) ? planned : RequestCount(job);

    /// <summary>
    /// Generates the job until it has <c>generation.target</c> curated samples (<see cref="CuratedTarget"/>): sends
    /// the first pass, then, as the stages decide, plans more requests from the running acceptance rate. An
    /// annotation job labels each of its inputs once, so it stops after the first pass.
    /// </summary>
    /// <returns>Why generation stopped short of the target (a budget limit or the cap on generated samples), or null.</returns>
    public async Task<string?> RunAsync(PipelineJob job, GeneratorShard shard, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        var recorded = await store.GetRecordedRequestIndexesAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        // A restart resumes at the plan it had reached: every recorded request was planned.
        var planned = Math.Max(RequestCount(job), recorded.Count == 0 ? 0 : recorded.Max() + 1);
        _planned[job.JobId] = planned;
        var stop = await PrepareAndSendAsync(job, shard, planned, maxConcurrentRequests, cancellationToken).ConfigureAwait(false);
        if (stop is not null || job.Spec.Generation.Strategy == GenerationStrategy.Annotation)
        {
            return stop;
        }

        while (true)
        {
            var counts = await store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
            var decision = CuratedTarget.Next(job.Spec.Generation, planned, counts);
            switch (decision.Step)
            {
                case TargetStep.Reached:
                    LogTargetReached(logger, job.JobId, CuratedTarget.Curated(counts), job.Spec.Generation.Target, planned);
                    return null;
                case TargetStep.Stop:
                    LogTargetMissed(logger, job.JobId, decision.StopReason!);
                    return decision.StopReason;
                case TargetStep.Plan:
                    LogPlannedMore(logger, job.JobId, decision.Requests - planned, CuratedTarget.Curated(counts), job.Spec.Generation.Target);
                    planned = decision.Requests;
                    _planned[job.JobId] = planned;
                    stop = await SendAsync(job, shard, planned, maxConcurrentRequests, cancellationToken).ConfigureAwait(false);
                    if (stop is not null)
                    {
                        return stop;
                    }

                    break;
                default:
                    await Task.Delay(TargetPollInterval, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>
    /// The first pass alone (<see cref="RequestCount"/> requests), without waiting for the stages: sends every request
    /// of it that this shard owns and that has no ledger record yet, after re-publishing stored samples the filter may
    /// not have taken.
    /// </summary>
    /// <returns>Why the pass stopped before every request was sent (the budget), or null when it was not cut short.</returns>
    public Task<string?> RunFirstPassAsync(PipelineJob job, GeneratorShard shard, int maxConcurrentRequests, CancellationToken cancellationToken) =>
        PrepareAndSendAsync(job, shard, RequestCount(job), maxConcurrentRequests, cancellationToken);

    private async Task<string?> PrepareAndSendAsync(PipelineJob job, GeneratorShard shard, long requestCount, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRequests, 1);
        await generator.PrepareAsync(job, cancellationToken).ConfigureAwait(false);
        await RepublishUnfilteredAsync(job, shard, cancellationToken).ConfigureAwait(false);
        return await SendAsync(job, shard, requestCount, maxConcurrentRequests, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> SendAsync(PipelineJob job, GeneratorShard shard, long requestCount, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        var recorded = await store.GetRecordedRequestIndexesAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        string? budgetStop = null;
        // Lazily enumerated: once the budget refuses a request, no later request is started; those in flight finish.
        var pending = LongRange(requestCount)
            .Where(i => shard.Owns(i) && !recorded.Contains(i))
            .TakeWhile(_ => Volatile.Read(ref budgetStop) is null);
        LogPlanned(logger, job.JobId, requestCount, recorded.Count, shard.Index, shard.Count);

        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = maxConcurrentRequests, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                try
                {
                    await RunRequestAsync(job, index, ct).ConfigureAwait(false);
                }
                catch (BudgetExhaustedException stop)
                {
                    Interlocked.CompareExchange(ref budgetStop, stop.Message, null);
                }
            }).ConfigureAwait(false);
        if (budgetStop is not null)
        {
            LogBudgetStop(logger, job.JobId, budgetStop);
        }

        LogFinished(logger, job.JobId, shard.Index);
        return budgetStop;
    }

    private static IEnumerable<long> LongRange(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private async Task RunRequestAsync(PipelineJob job, long index, CancellationToken cancellationToken)
    {
        activity.Started();
        try
        {
            using var span = PipelineTracing.Source.StartActivity("synth.request generate");
            var requestId = SampleIds.Request(job.JobId, index);
            span?.SetTag("synth.job.id", job.JobId);
            span?.SetTag("synth.request.id", requestId);

            var request = new GenerationRequest(job, index, requestId, CuratedTarget.SamplesOf(job.Spec.Generation, index));

            GenerationResult result;
            try
            {
                result = await generator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not BudgetExhaustedException and not ModelEndpointUnavailableException
                && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
            {
                result = GenerationResult.Failed($"{ex.GetType().Name}: {ex.Message}");
            }

            var now = time.GetUtcNow();
            var requestContext = span?.Context ?? default;
            var samples = result.Succeeded ? BuildSamples(job, request, result, requestContext, now) : [];
            var record = new RequestRecord
            {
                Id = requestId,
                JobId = job.JobId,
                Index = index,
                Status = result.Succeeded ? RequestStatus.Succeeded : RequestStatus.Failed,
                SampleIds = samples.Select(s => s.Id).ToList(),
                Attempts = result.Attempts,
                Model = result.Model,
                Usage = result.Usage,
                CostUsd = result.CostUsd,
                Error = result.Error,
                RawResponse = result.RawResponse,
                ItemFailures = [.. result.ItemFailures],
                TraceId = span?.TraceId.ToHexString(),
                At = now,
            };
            await store.SaveRequestAsync(record, samples, cancellationToken).ConfigureAwait(false);

            if (!result.Succeeded)
            {
                LogRequestFailed(logger, requestId, result.Error!);
                activity.Failed();
                return;
            }

            // A request's samples have different keys, so they may be published side by side.
            await Task.WhenAll(samples.Select(sample => PublishAsync(sample, cancellationToken))).ConfigureAwait(false);
            activity.Processed(SampleState.Generated, samples.Count);
        }
        finally
        {
            activity.Finished();
        }
    }

    private List<SampleDocument> BuildSamples(PipelineJob job, GenerationRequest request, GenerationResult result, ActivityContext requestContext, DateTimeOffset now)
    {
        var drafts = result.Drafts;
        var samples = new List<SampleDocument>(drafts.Count);
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var id = SampleIds.For(job.JobId, request.RequestIndex, i);
            var root = StartRoot(id, job.JobId, requestContext);
            var sample = new SampleDocument
            {
                Id = id,
                JobId = job.JobId,
                TaskType = job.Spec.Task.Type,
                Content = draft.Content,
                Provenance = new Provenance
                {
                    RequestId = request.RequestId,
                    RequestIndex = request.RequestIndex,
                    IndexInRequest = i,
                    Strategy = draft.Strategy,
                    TemplateId = draft.TemplateId,
                    PromptHash = draft.PromptHash,
                    Conditions = draft.Conditions.ToDictionary(),
                    DemoIds = [.. draft.DemoIds],
                    Provider = result.Provider,
                    Model = result.Model,
                    Parameters = draft.Parameters.ToDictionary(),
                    // A request's tokens and cost are shared evenly by the samples it produced.
                    Usage = new TokenUsage
                    {
                        PromptTokens = Share(result.Usage.PromptTokens, drafts.Count, i),
                        CompletionTokens = Share(result.Usage.CompletionTokens, drafts.Count, i),
                    },
                    CostUsd = ShareOfCost(result.CostUsd, drafts.Count, i),
                },
                TraceId = root.TraceId.ToHexString(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            sample.Decisions.Add(new StageDecision
            {
                Stage = Stage.Generator,
                Outcome = SampleState.Generated,
                DecidedBy = instanceName,
                TraceId = root.TraceId.ToHexString(),
                SpanId = root.SpanId.ToHexString(),
                At = now,
            });
            if (draft.Content.Label is { } label)
            {
                sample.LabelHistory.Add(new LabelChange { To = label, Method = LabelMethod.Generator, By = result.Model, At = now });
            }

            samples.Add(sample);
        }

        return samples;
    }

    private static long Share(long total, int parts, int index) => (total / parts) + (index < total % parts ? 1 : 0);

    /// <summary>Cumulative rounding, so the shares add up to the request's cost exactly.</summary>
    private static decimal ShareOfCost(decimal total, int parts, int index) =>
        decimal.Round(total * (index + 1) / parts, 10) - decimal.Round(total * index / parts, 10);

    /// <summary>Starts and ends the sample's root span; its context is the parent of everything the sample goes through.</summary>
    private static ActivityContext StartRoot(string sampleId, string jobId, ActivityContext requestContext)
    {
        var previous = Activity.Current;
        try
        {
            var root = PipelineTracing.StartSampleRoot(sampleId, jobId, requestContext);
            var context = root?.Context ?? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
            root?.Dispose();
            return context;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private Task PublishAsync(SampleDocument sample, CancellationToken cancellationToken) =>
        SampleMessages.PublishInSampleTraceAsync(publisher, sample, _source, time.GetUtcNow(), cancellationToken);

    private async Task RepublishUnfilteredAsync(PipelineJob job, GeneratorShard shard, CancellationToken cancellationToken)
    {
        var republished = await SampleMessages.RepublishAsync(
            store, publisher, new SampleQuery { JobId = job.JobId, States = [SampleState.Generated], Limit = 500 },
            sample => shard.Owns(sample.Provenance.RequestIndex), _source, time, cancellationToken).ConfigureAwait(false);
        if (republished > 0)
        {
            LogRepublished(logger, job.JobId, republished.ToString(CultureInfo.InvariantCulture));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Requests} requests planned, {Recorded} already recorded; shard {Shard}/{Shards}")]
    private static partial void LogPlanned(ILogger logger, string jobId, long requests, int recorded, int shard, int shards);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: generation stopped early, {Reason}; requests not sent were not recorded")]
    private static partial void LogBudgetStop(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Curated} of {Target} samples curated after {Requests} requests; generation done")]
    private static partial void LogTargetReached(ILogger logger, string jobId, long curated, int target, long requests);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Reason}")]
    private static partial void LogTargetMissed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {More} more requests planned, {Curated} of {Target} samples curated so far")]
    private static partial void LogPlannedMore(ILogger logger, string jobId, long more, long curated, int target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: generation pass finished for shard {Shard}")]
    private static partial void LogFinished(ILogger logger, string jobId, int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} failed and was stored as a failure: {Error}")]
    private static partial void LogRequestFailed(ILogger logger, string requestId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-published {Count} stored samples the filter had not taken yet")]
    private static partial void LogRepublished(ILogger logger, string jobId, string count);
}
