using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Drives generation of one job until it has its target of curated samples. Any number of instances share the job:
/// the plan (how many requests, with deterministic ids) lives in the store, and each instance claims blocks of its
/// request indexes there (<see cref="IRequestClaimStore"/>), renewing its leases while it works; a block an instance
/// left (it died, it was stopped) is taken over once its lease ends. Every request that already has a ledger record is
/// skipped (a stored answer is never bought again); each new request's samples are stored together with its ledger
/// record (requests finishing together in one store write) and then published side by side, each under a trace of
/// its own. Taking over a block re-publishes its stored samples the filter may not have had. As the stages decide, one
/// instance extends the plan from the running acceptance rate (<see cref="CuratedTarget"/>, a compare-and-set on the
/// plan).
/// </summary>
public sealed partial class GeneratorWorker(
    ISampleGenerator generator,
    ISampleStore store,
    IRequestClaimStore claims,
    IMessagePublisher publisher,
    StageActivity activity,
    TimeProvider time,
    ILogger<GeneratorWorker> logger,
    string instanceName,
    GeneratorOptions? options = null)
{
    private static readonly TimeSpan TargetPollInterval = TimeSpan.FromMilliseconds(200);

    private readonly string _source = $"/synth/generator/{instanceName}";
    private readonly GeneratorOptions _options = options ?? new GeneratorOptions();
    private readonly ConcurrentDictionary<string, long> _planned = new(StringComparer.Ordinal);
    // Requests finishing while another batch is written are stored together: one transaction, one write lock.
    private readonly GroupCommit<RequestWrite, RequestWrite> _requestWrites = new(async (batch, ct) =>
    {
        await store.SaveRequestsAsync(batch, ct).ConfigureAwait(false);
        return batch;
    });

    /// <summary>Requests of the job's first pass: ceil(target / samples per request).</summary>
    public static long RequestCount(PipelineJob job) => CuratedTarget.InitialRequests(job.Spec.Generation);

    /// <summary>Requests planned so far for the job, as this instance last read the plan (it grows while the curated target is not met).</summary>
    public long PlannedRequests(PipelineJob job) => _planned.TryGetValue(job.JobId, out var planned) ? planned : RequestCount(job);

    /// <summary>
    /// Generates the job until every planned request is recorded and the job has <c>generation.target</c> curated
    /// samples (<see cref="CuratedTarget"/>): sends the requests it claims, then, as the stages decide, plans more from
    /// the running acceptance rate. An annotation job labels each of its inputs once, so it stops after the first pass.
    /// Returns only when generation of the job is over for every instance: the plan is complete, or the budget or the
    /// cap on generated samples stopped it.
    /// </summary>
    /// <returns>Why generation stopped short of the target (a budget limit or the cap on generated samples), or null.</returns>
    /// <exception cref="GenerationStalledException">Nothing happened to the job for <see cref="GeneratorOptions.StallTimeout"/> while it waited for the stages.</exception>
    public async Task<string?> RunAsync(PipelineJob job, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        await StartAsync(job, cancellationToken).ConfigureAwait(false);
        var annotation = job.Spec.Generation.Strategy == GenerationStrategy.Annotation;
        var lastChange = (Progress: "", At: time.GetUtcNow());
        while (true)
        {
            var stop = await SendClaimedAsync(job, maxConcurrentRequests, cancellationToken).ConfigureAwait(false);
            if (stop is not null)
            {
                return stop;
            }

            var planned = await ReadPlanAsync(job, cancellationToken).ConfigureAwait(false);
            var counts = await store.CountAsync(job.JobId, cancellationToken).ConfigureAwait(false);
            // Requests still unrecorded are in flight on other instances, or wait for a dead one's lease to end.
            var complete = counts.RequestsSucceeded + counts.RequestsFailed >= planned;
            var decision = annotation ? TargetDecision.Reached : CuratedTarget.Next(job.Spec.Generation, planned, counts);
            switch (decision.Step)
            {
                case TargetStep.Reached when complete:
                    LogTargetReached(logger, job.JobId, CuratedTarget.Curated(counts), job.Spec.Generation.Target, planned);
                    return null;
                case TargetStep.Stop:
                    LogTargetMissed(logger, job.JobId, decision.StopReason!);
                    return decision.StopReason;
                case TargetStep.Plan:
                    // Of several instances deciding on the same plan, one extends it; the others claim what it planned.
                    if (await claims.TryExtendPlanAsync(job.JobId, planned, decision.Requests, cancellationToken).ConfigureAwait(false))
                    {
                        LogPlannedMore(logger, job.JobId, decision.Requests - planned, CuratedTarget.Curated(counts), job.Spec.Generation.Target);
                        _planned[job.JobId] = decision.Requests;
                    }

                    break;
                default:
                    var progress = ProgressOf(counts);
                    if (progress != lastChange.Progress)
                    {
                        lastChange = (progress, time.GetUtcNow());
                    }
                    else if (time.GetUtcNow() - lastChange.At >= _options.StallTimeout)
                    {
                        throw new GenerationStalledException(job.JobId, _options.StallTimeout, counts[SampleState.Generated] + counts[SampleState.Accepted] + counts[SampleState.Refined]);
                    }

                    await Task.Delay(TargetPollInterval, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Changes whenever a request is recorded or a sample moves on.</summary>
    private static string ProgressOf(JobCounts counts) => string.Join(',',
        counts.RequestsSucceeded + counts.RequestsFailed, counts.Failures,
        string.Join(',', counts.Samples.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}")));

    /// <summary>
    /// The first pass (<see cref="RequestCount"/> requests) without waiting for the stages: sends every request of it
    /// this instance can claim that has no ledger record yet, and returns when no block is left to claim.
    /// </summary>
    /// <returns>Why the pass stopped before every request was sent (the budget), or null when it was not cut short.</returns>
    public async Task<string?> RunFirstPassAsync(PipelineJob job, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        await StartAsync(job, cancellationToken).ConfigureAwait(false);
        return await SendClaimedAsync(job, maxConcurrentRequests, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Prepares the generator and the plan: at least the first pass and, on a restart, every request already recorded
    /// (a job planned before plans were stored). The leases an earlier life of this instance held end now.
    /// </summary>
    private async Task StartAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        await generator.PrepareAsync(job, cancellationToken).ConfigureAwait(false);
        await claims.ReleaseInstanceAsync(job.JobId, instanceName, cancellationToken).ConfigureAwait(false);
        var recorded = await store.GetRecordedRequestIndexesAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        var atLeast = Math.Max(RequestCount(job), recorded.Count == 0 ? 0 : recorded.Max() + 1);
        var planned = await claims.PlanAtLeastAsync(job.JobId, atLeast, cancellationToken).ConfigureAwait(false);
        _planned[job.JobId] = planned;
        LogPlanned(logger, job.JobId, planned, recorded.Count, instanceName);
    }

    private async Task<long> ReadPlanAsync(PipelineJob job, CancellationToken cancellationToken)
    {
        var planned = await claims.GetPlanAsync(job.JobId, cancellationToken).ConfigureAwait(false);
        _planned[job.JobId] = planned;
        return planned;
    }

    /// <summary>Sends the requests of every block it can claim, until none is left below the plan or the budget refuses one.</summary>
    private async Task<string?> SendClaimedAsync(PipelineJob job, int maxConcurrentRequests, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRequests, 1);
        var held = new ConcurrentDictionary<string, ClaimedBlock>(StringComparer.Ordinal);
        string? budgetStop = null;
        using var stopRenewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAsync(held, stopRenewing.Token);
        try
        {
            // Claimed lazily: a block is claimed only when a request slot is free, so every instance keeps its share small.
            await Parallel.ForEachAsync(
                ClaimIndexesAsync(job, held, () => Volatile.Read(ref budgetStop) is not null, cancellationToken),
                new ParallelOptions { MaxDegreeOfParallelism = maxConcurrentRequests, CancellationToken = cancellationToken },
                async (item, ct) =>
                {
                    try
                    {
                        await RunRequestAsync(job, item.Index, ct).ConfigureAwait(false);
                    }
                    catch (BudgetExhaustedException stop)
                    {
                        Interlocked.CompareExchange(ref budgetStop, stop.Message, null);
                        return;
                    }

                    if (item.Block.Recorded() && held.TryRemove(item.Block.Claim.Token, out _))
                    {
                        await claims.CompleteAsync(item.Block.Claim, ct).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        finally
        {
            await stopRenewing.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            // Blocks left unfinished (a stop, the budget, an error) are free for any instance at once.
            foreach (var block in held.Values)
            {
                await claims.ReleaseAsync(block.Claim, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (budgetStop is not null)
        {
            LogBudgetStop(logger, job.JobId, budgetStop);
        }

        return budgetStop;
    }

    private async IAsyncEnumerable<(ClaimedBlock Block, long Index)> ClaimIndexesAsync(
        PipelineJob job, ConcurrentDictionary<string, ClaimedBlock> held, Func<bool> stopped,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!stopped())
        {
            var now = time.GetUtcNow();
            var claim = await claims.TryClaimAsync(job.JobId, instanceName, _options.ClaimBlockSize, now, now + _options.ClaimLease, cancellationToken)
                .ConfigureAwait(false);
            if (claim is null)
            {
                yield break;
            }

            if (claim.TakenOver)
            {
                await RepublishAsync(job, claim, cancellationToken).ConfigureAwait(false);
            }

            var recorded = await store.GetRecordedRequestIndexesAsync(job.JobId, claim.Start, claim.End, cancellationToken).ConfigureAwait(false);
            var toSend = claim.Indexes().Where(i => !recorded.Contains(i)).ToList();
            LogClaimed(logger, job.JobId, claim.Start, claim.End, toSend.Count, claim.TakenOver);
            if (toSend.Count == 0)
            {
                await claims.CompleteAsync(claim, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var block = new ClaimedBlock(claim, toSend.Count);
            held[claim.Token] = block;
            foreach (var index in toSend)
            {
                if (stopped() || block.Lost)
                {
                    break;
                }

                yield return (block, index);
            }
        }
    }

    /// <summary>Renews every held lease each third of its length; a lease found taken over stops its block here.</summary>
    private async Task RenewAsync(ConcurrentDictionary<string, ClaimedBlock> held, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ClaimLease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var block in held.Values)
                {
                    try
                    {
                        if (!await claims.RenewAsync(block.Claim, time.GetUtcNow() + _options.ClaimLease, cancellationToken).ConfigureAwait(false))
                        {
                            block.MarkLost();
                            held.TryRemove(block.Claim.Token, out _);
                            LogLeaseLost(logger, block.Claim.JobId, block.Claim.Start, block.Claim.End);
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The next tick tries again; the lease outlives two failed renewals.
                        LogRenewFailed(logger, ex, block.Claim.JobId, block.Claim.Start);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
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
            // Stored before any is published (at-least-once): samples stored but never published (a crash, a stop) go
            // out again when their block is taken over (RepublishAsync).
            await _requestWrites.SubmitAsync(new RequestWrite(record, samples), cancellationToken).ConfigureAwait(false);

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

    /// <summary>The block's earlier holder may have stored samples and died before publishing them: they go out again.</summary>
    private async Task RepublishAsync(PipelineJob job, RequestClaim claim, CancellationToken cancellationToken)
    {
        var republished = await SampleMessages.RepublishAsync(
            store, publisher, new SampleQuery { JobId = job.JobId, States = [SampleState.Generated], Limit = 500 },
            sample => claim.Contains(sample.Provenance.RequestIndex), _source, time, cancellationToken).ConfigureAwait(false);
        if (republished > 0)
        {
            LogRepublished(logger, job.JobId, republished.ToString(CultureInfo.InvariantCulture));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Requests} requests planned, {Recorded} already recorded; instance {Instance} claims its share")]
    private static partial void LogPlanned(ILogger logger, string jobId, long requests, int recorded, string instance);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: claimed requests {Start} to {End} (exclusive), {ToSend} to send, taken over: {TakenOver}")]
    private static partial void LogClaimed(ILogger logger, string jobId, long start, long end, int toSend, bool takenOver);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the lease on requests {Start} to {End} (exclusive) was taken over; no more of them are sent here")]
    private static partial void LogLeaseLost(ILogger logger, string jobId, long start, long end);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: renewing the lease on requests from {Start} failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception error, string jobId, long start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: generation stopped early, {Reason}; requests not sent were not recorded")]
    private static partial void LogBudgetStop(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {Curated} of {Target} samples curated after {Requests} requests; generation done")]
    private static partial void LogTargetReached(ILogger logger, string jobId, long curated, int target, long requests);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Reason}")]
    private static partial void LogTargetMissed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: {More} more requests planned, {Curated} of {Target} samples curated so far")]
    private static partial void LogPlannedMore(ILogger logger, string jobId, long more, long curated, int target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} failed and was stored as a failure: {Error}")]
    private static partial void LogRequestFailed(ILogger logger, string requestId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: re-published {Count} stored samples of a block taken over")]
    private static partial void LogRepublished(ILogger logger, string jobId, string count);
}
