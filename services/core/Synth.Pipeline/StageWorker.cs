using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Runs one consuming stage on one notification, at-least-once in, effectively-once in the store: read the sample
/// from the store → if it already holds this stage's decision, re-emit it (no second processing) → else process the
/// stored copy, append the decision with a compare-and-set on the version read (read again and redo on a conflict),
/// then notify the next stage. The transport marks the message consumed only after this returns. A message that
/// cannot be read or processed is stored as a failure and dead-lettered; a store or transport error propagates, so
/// the message is not marked and comes again. With <c>maxProcessing</c>, at most that many processor calls run at
/// once, however many messages are in flight: the waits on the store and the broker do not hold a processing slot.
/// </summary>
public sealed partial class StageWorker(
    ISampleProcessor processor,
    ISampleStore store,
    IMessagePublisher publisher,
    JobCatalog jobs,
    StageActivity activity,
    TimeProvider time,
    ILogger<StageWorker> logger,
    string instanceName,
    IStageObserver? observer = null,
    int? maxProcessing = null) : IMessageHandler
{
    /// <summary>
    /// Bounded because every attempt runs the processor again on the fresh copy (a conflict means someone else wrote
    /// the sample meanwhile, usually a reviewer, whose change the processor must see). A sample rewritten this often
    /// is better left to the message's redelivery than spun on here.
    /// </summary>
    private const int MaxWriteAttempts = 5;

    private readonly Stage _stage = processor.Stage;
    private readonly IReadOnlyList<SampleState> _outputs = processor.Stage.OutputStates();
    private readonly string _source = $"/synth/{processor.Stage.Name()}/{instanceName}";
    private readonly GroupCommit<string, SampleDocument?> _reads = new(store.GetSamplesAsync);
    private readonly GroupCommit<SampleReplacement, bool> _writes = new(store.TryReplaceSamplesAsync);
    // Per sample id, the newest message being handled, which the sample's next message waits for.
    private readonly Dictionary<string, Task> _lastOfSample = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim? _processing = maxProcessing is { } slots ? new SemaphoreSlim(slots, slots) : null;

    public async Task HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        // Two messages of one sample in flight at once (a redelivery, a resume's republish) would read the same version
        // together and both run the processor; one after the other, the second finds the decision stored.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous = null;
        if (message.Key is { } key)
        {
            lock (_lastOfSample)
            {
                _lastOfSample.TryGetValue(key, out previous);
                _lastOfSample[key] = done.Task;
            }
        }

        var started = Stopwatch.GetTimestamp();
        activity.Started();
        try
        {
            if (previous is not null)
            {
                await previous.ConfigureAwait(false);
            }

            await HandleCoreAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (message.Key is { } finished)
            {
                lock (_lastOfSample)
                {
                    if (_lastOfSample.TryGetValue(finished, out var last) && last == done.Task)
                    {
                        _lastOfSample.Remove(finished);
                    }
                }
            }

            done.SetResult();
            activity.Finished();
            PipelineMetrics.RecordDuration(_stage, started);
        }
    }

    private async Task HandleCoreAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        SampleNotification notification;
        try
        {
            notification = SampleNotification.Parse(message.Value);
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(message, null, null, $"Unreadable sample notification: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var current = Activity.Current;
        current?.SetTag("synth.sample.id", notification.SampleId);
        current?.SetTag("synth.job.id", notification.JobId);
        current?.SetTag("synth.sample.version", notification.Version);

        for (var attempt = 1; ; attempt++)
        {
            var outcome = await TryDecideAsync(message, notification, current, cancellationToken).ConfigureAwait(false);
            if (outcome is not Attempt.Conflict)
            {
                return;
            }

            if (attempt == MaxWriteAttempts)
            {
                throw new InvalidOperationException(
                    $"Sample '{notification.SampleId}' was written by others during each of {attempt} attempts at stage {_stage.Name()}; the message comes again.");
            }

            LogConflict(logger, notification.SampleId, _stage, attempt);
        }
    }

    /// <summary>One read → process → compare-and-set round.</summary>
    private async Task<Attempt> TryDecideAsync(InboundMessage message, SampleNotification notification, Activity? current, CancellationToken cancellationToken)
    {
        var sample = await _reads.SubmitAsync(notification.SampleId, cancellationToken).ConfigureAwait(false);
        if (sample is null)
        {
            await DeadLetterAsync(message, notification.SampleId, notification.JobId,
                $"Sample '{notification.SampleId}' is not in the store.", cancellationToken).ConfigureAwait(false);
            return Attempt.Done;
        }

        var outputOrdinal = _outputs[0].Ordinal();
        if (sample.StageOrdinal() > outputOrdinal)
        {
            LogAlreadyPast(logger, sample.Id, _stage, sample.State);
            return Attempt.Done;
        }

        if (sample.StageOrdinal() == outputOrdinal)
        {
            // Decided before a crash or rebalance: the same decision goes on again; nothing is processed twice.
            await PublishOnwardsAsync(sample, cancellationToken).ConfigureAwait(false);
            activity.Reemitted();
            return Attempt.Done;
        }

        if (sample.State != _stage.InputState())
        {
            await DeadLetterAsync(message, sample.Id, sample.JobId,
                $"Sample '{sample.Id}' is in state {sample.State}; stage {_stage.Name()} takes {_stage.InputState()}.",
                cancellationToken).ConfigureAwait(false);
            return Attempt.Done;
        }

        var job = await jobs.GetAsync(sample.JobId, cancellationToken).ConfigureAwait(false);
        var readVersion = sample.Version;
        StageVerdict verdict;
        try
        {
            // The copy was read for this attempt alone, so the processor may change it in place.
            verdict = await ProcessAsync(sample, job, cancellationToken).ConfigureAwait(false);
            if (!_outputs.Contains(verdict.Outcome))
            {
                throw new InvalidOperationException(
                    $"Processor {processor.GetType().Name} returned {verdict.Outcome}; stage {_stage.Name()} may only return {string.Join(" or ", _outputs)}.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DeadLetterAsync(message, sample.Id, sample.JobId, $"{ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return Attempt.Done;
        }

        var now = time.GetUtcNow();
        sample.Decisions.Add(new StageDecision
        {
            Stage = _stage,
            Outcome = verdict.Outcome,
            Scores = verdict.Scores?.ToDictionary() ?? [],
            Reason = verdict.Reason,
            DecidedBy = instanceName,
            TraceId = current?.TraceId.ToHexString(),
            SpanId = current?.SpanId.ToHexString(),
            At = now,
        });
        sample.State = verdict.Outcome;
        sample.UpdatedAt = now;

        if (!await _writes.SubmitAsync(new SampleReplacement(sample, readVersion), cancellationToken).ConfigureAwait(false))
        {
            return Attempt.Conflict;
        }

        await PublishOnwardsAsync(sample, cancellationToken).ConfigureAwait(false);
        activity.Processed(verdict.Outcome);
        observer?.Stored(_stage, sample);
        return Attempt.Done;
    }

    private async Task<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        if (_processing is null)
        {
            return await processor.ProcessAsync(sample, job, cancellationToken).ConfigureAwait(false);
        }

        await _processing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await processor.ProcessAsync(sample, job, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _processing.Release();
        }
    }

    private async Task PublishOnwardsAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        if (SampleMessages.For(sample, _source, time.GetUtcNow()) is { } outbound)
        {
            await publisher.PublishAsync(outbound, cancellationToken).ConfigureAwait(false);
        }

        if (sample.State == SampleState.Evaluated)
        {
            // The evaluator kept it: the sample is curated, and its training record goes to whoever feeds training
            // (a tombstone if a reviewer rejected it meanwhile).
            var job = await jobs.GetAsync(sample.JobId, cancellationToken).ConfigureAwait(false);
            if (CuratedRecords.Current(sample, job.Spec, _source, time.GetUtcNow()) is { } curated)
            {
                await publisher.PublishAsync(curated, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DeadLetterAsync(InboundMessage message, string? sampleId, string? jobId, string error, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.TraceId.ToHexString();
        var now = time.GetUtcNow();
        var failure = new FailureDocument
        {
            Id = sampleId is not null
                ? $"{_stage.Name()}:{sampleId}"
                : $"{_stage.Name()}:{message.Topic}:{message.Partition}:{message.Offset}",
            JobId = jobId,
            Stage = _stage,
            SampleId = sampleId,
            Error = error,
            OriginTopic = message.Topic,
            OriginPartition = message.Partition >= 0 ? message.Partition : null,
            OriginOffset = message.Offset >= 0 ? message.Offset : null,
            TraceId = traceId,
            At = now,
        };
        LogDeadLetter(logger, sampleId, _stage, message.Topic, message.Partition, message.Offset, error);
        await store.SaveFailureAsync(failure, cancellationToken).ConfigureAwait(false);
        await publisher.PublishAsync(DeadLetters.Create(message, _stage.Name(), error, traceId, now), cancellationToken).ConfigureAwait(false);
        activity.Failed();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sample {SampleId} is already past stage {Stage} (stored state {State}); skipped")]
    private static partial void LogAlreadyPast(ILogger logger, string sampleId, Stage stage, SampleState state);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sample {SampleId} was written by another writer while stage {Stage} processed it (attempt {Attempt}); reading it again")]
    private static partial void LogConflict(ILogger logger, string sampleId, Stage stage, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered sample {SampleId} at stage {Stage} from {Topic}[{Partition}]@{Offset}: {Error}")]
    private static partial void LogDeadLetter(ILogger logger, string? sampleId, Stage stage, string topic, int partition, long offset, string error);

    private enum Attempt
    {
        Done,
        /// <summary>The sample was written meanwhile: nothing was stored or published; read it again.</summary>
        Conflict,
    }
}
