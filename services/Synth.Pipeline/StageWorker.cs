using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// Runs one consuming stage on one message, at-least-once in, effectively-once in the store:
/// read the sample → if the store already holds this stage's decision, re-emit it (no second processing)
/// → else process, write the sample, then publish it onwards. The transport marks the message consumed only after
/// this returns. A message that cannot be read or processed is stored as a failure and dead-lettered; a store or
/// transport error propagates, so the message is not marked and comes again.
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
    IStageObserver? observer = null) : IMessageHandler
{
    private readonly Stage _stage = processor.Stage;
    private readonly IReadOnlyList<SampleState> _outputs = processor.Stage.OutputStates();
    private readonly string _source = $"/synth/{processor.Stage.Name()}/{instanceName}";

    public async Task HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        activity.Started();
        try
        {
            await HandleCoreAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            activity.Finished();
        }
    }

    private async Task HandleCoreAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        SampleDocument incoming;
        try
        {
            incoming = SampleJson.Deserialize(message.Value);
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(message, null, null, $"Unreadable sample document: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var current = Activity.Current;
        current?.SetTag("synth.sample.id", incoming.Id);
        current?.SetTag("synth.job.id", incoming.JobId);

        var stored = await store.GetSampleAsync(incoming.Id, cancellationToken).ConfigureAwait(false);
        var outputOrdinal = _outputs[0].Ordinal();
        if (stored is not null && stored.State.Ordinal() > outputOrdinal)
        {
            LogAlreadyPast(logger, incoming.Id, _stage, stored.State);
            return;
        }

        if (stored is not null && stored.State.Ordinal() == outputOrdinal)
        {
            // Decided before a crash or rebalance: the same decision goes on again; nothing is processed twice.
            await PublishOnwardsAsync(stored, cancellationToken).ConfigureAwait(false);
            activity.Reemitted();
            return;
        }

        if (incoming.State != _stage.InputState())
        {
            await DeadLetterAsync(message, incoming.Id, incoming.JobId,
                $"Sample '{incoming.Id}' is in state {incoming.State}; stage {_stage.Name()} takes {_stage.InputState()}.",
                cancellationToken).ConfigureAwait(false);
            return;
        }

        var job = await jobs.GetAsync(incoming.JobId, cancellationToken).ConfigureAwait(false);
        // The sample was deserialized for this message alone, so the processor may change it in place.
        var working = incoming;
        AdoptHumanReview(stored, working);
        StageVerdict verdict;
        try
        {
            verdict = await processor.ProcessAsync(working, job, cancellationToken).ConfigureAwait(false);
            if (!_outputs.Contains(verdict.Outcome))
            {
                throw new InvalidOperationException(
                    $"Processor {processor.GetType().Name} returned {verdict.Outcome}; stage {_stage.Name()} may only return {string.Join(" or ", _outputs)}.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DeadLetterAsync(message, incoming.Id, incoming.JobId, $"{ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = time.GetUtcNow();
        working.Decisions.Add(new StageDecision
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
        working.State = verdict.Outcome;
        working.UpdatedAt = now;

        if (!await store.SaveSampleAsync(working, cancellationToken).ConfigureAwait(false))
        {
            LogLostRace(logger, working.Id, _stage);
            return;
        }

        await PublishOnwardsAsync(working, cancellationToken).ConfigureAwait(false);
        activity.Processed(verdict.Outcome);
        observer?.Stored(_stage, working);
    }

    /// <summary>
    /// A reviewer may label the stored copy while this message's older copy is in flight; saving the message's copy
    /// would wipe the human label. The reviewer's label, review record and the label changes the message lacks are
    /// taken over before processing, so the processor sees them too. (A review committed between this read and the
    /// save below can still be lost; the store's upsert does not merge.)
    /// </summary>
    private static void AdoptHumanReview(SampleDocument? stored, SampleDocument working)
    {
        if (stored?.Review is not { Status: ReviewStatus.Labelled } review || working.Review?.Status == ReviewStatus.Labelled)
        {
            return;
        }

        working.Review = review;
        working.Content.Label = stored.Content.Label;
        foreach (var change in stored.LabelHistory.Where(c => !working.LabelHistory.Any(w => w.At == c.At && w.To == c.To && w.Method == c.Method)))
        {
            working.LabelHistory.Add(change);
        }

        working.LabelHistory.Sort((a, b) => a.At.CompareTo(b.At));
    }

    private async Task PublishOnwardsAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        if (SampleMessages.For(sample, _source, time.GetUtcNow()) is { } outbound)
        {
            await publisher.PublishAsync(outbound, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sample {SampleId} moved past stage {Stage} while it was processed; the later state is kept")]
    private static partial void LogLostRace(ILogger logger, string sampleId, Stage stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered sample {SampleId} at stage {Stage} from {Topic}[{Partition}]@{Offset}: {Error}")]
    private static partial void LogDeadLetter(ILogger logger, string? sampleId, Stage stage, string topic, int partition, long offset, string error);
}
