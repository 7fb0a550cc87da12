using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Synth.Messaging.Kafka;

/// <summary>
/// At-least-once consumption of one topic by a consumer group, handling up to
/// <see cref="ConsumeSettings.MaxInFlight"/> messages concurrently. An offset is stored (and auto-committed) only
/// once its message and every earlier message of the same partition have been handled; a failing message is
/// retried with capped exponential backoff and never marked consumed. Messages with the same key are handled one
/// after another in partition order (a sample's messages never overtake each other); other messages concurrently.
/// </summary>
/// <remarks>
/// Handlers receive a token that is cancelled when their partition is revoked and its grace period has passed, or
/// when shutdown's grace period has passed. A handler cancelled this way leaves its message unconsumed.
/// </remarks>
public sealed partial class KafkaConsumer(IOptions<KafkaOptions> options, ILogger<KafkaConsumer> logger)
{
    public const string SystemName = KafkaPublisher.SystemName;

    /// <summary>Consumes until <paramref name="cancellationToken"/> is cancelled, then finishes in-flight work, commits and leaves the group.</summary>
    public Task RunAsync(ConsumeSettings settings, IMessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxInFlight, 1);
        // Confluent's Consume blocks, and the consumer is not meant to be shared across threads: one dedicated thread
        // owns it, and handlers run on the thread pool.
        return Task.Factory.StartNew(
            () => new ConsumeLoop(options.Value, logger, settings, handler).Run(cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private sealed partial class ConsumeLoop
    {
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan AbandonWait = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan CommittedLookupTimeout = TimeSpan.FromSeconds(2);
        // Leaving the group needs the coordinator; a member closing in the middle of a rebalance has been seen to
        // wait in Close for longer than an orchestrator's stop timeout, so the wait is bounded.
        private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

        private readonly KafkaOptions _options;
        private readonly ILogger _logger;
        private readonly ConsumeSettings _settings;
        private readonly IMessageHandler _handler;
        private readonly CuratedWireFormat _wireFormat;
        private readonly PartitionOffsetTracker _tracker = new();
        private readonly SemaphoreSlim _slots;
        // Owned by the consume thread (it alone runs the loop and the rebalance callbacks).
        private readonly Dictionary<TopicPartition, PartitionWork> _partitions = [];
        private readonly List<PartitionWork> _retired = [];
        private readonly List<Task> _running = [];
        // Per assigned partition, the first offset not finished yet: the base of its lag.
        private readonly Dictionary<TopicPartition, long> _unfinishedFrom = [];
        private long _lagMeasuredAt;
        private readonly CancellationTokenSource _hardStop = new();
        private CancellationToken _shutdown;
        private bool _shuttingDown;

        public ConsumeLoop(KafkaOptions options, ILogger logger, ConsumeSettings settings, IMessageHandler handler)
        {
            _options = options;
            _logger = logger;
            _settings = settings;
            _handler = handler;
            _wireFormat = new CuratedWireFormat(options.SchemaRegistry);
            // Never disposed: abandoned handlers may release a slot after the loop has ended.
            _slots = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
        }

        public void Run(CancellationToken cancellationToken)
        {
            _shutdown = cancellationToken;
            var consumer = Build();
            consumer.Subscribe(_settings.Topic);
            LogStarted(_settings.Topic, _settings.GroupId, _settings.MaxInFlight);
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    StoreFinished(consumer);
                    MeasureLag(consumer);
                    // Backpressure: no new message is fetched from librdkafka's queue while MaxInFlight are being handled.
                    if (!_slots.Wait(PollInterval, cancellationToken))
                    {
                        continue;
                    }

                    ConsumeResult<string, byte[]>? result;
                    try
                    {
                        result = consumer.Consume(PollInterval);
                    }
                    catch (ConsumeException e) when (!e.Error.IsFatal)
                    {
                        _slots.Release();
                        LogConsumeError(e.Error.Code, e.Error.Reason);
                        continue;
                    }

                    if (result?.Message is null)
                    {
                        _slots.Release();
                        continue;
                    }

                    Dispatch(result);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown requested while waiting for a free slot.
            }
            finally
            {
                Shutdown(consumer);
            }
        }

        private IConsumer<string, byte[]> Build()
        {
            var config = new ConsumerConfig
            {
                BootstrapServers = _options.BootstrapServers,
                GroupId = _settings.GroupId,
                // librdkafka commits stored offsets in the background; we store an offset only after its message is done.
                EnableAutoCommit = true,
                EnableAutoOffsetStore = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            };
            if (_options.StaticMembership)
            {
                config.GroupInstanceId = string.IsNullOrWhiteSpace(_options.InstanceName)
                    ? throw new InvalidOperationException("Kafka:StaticMembership needs the instance's name (Synth:InstanceName).")
                    : _options.InstanceName;
            }

            KafkaConfig.ApplyOverrides(config, _options);
            return new ConsumerBuilder<string, byte[]>(config)
                .SetErrorHandler((_, error) => KafkaConfig.LogError(_logger, error))
                .SetLogHandler((_, message) => KafkaConfig.Log(_logger, message))
                .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
                .SetPartitionsRevokedHandler((consumer, revoked) => OnRevoked(consumer, revoked.Select(p => p.TopicPartition), lost: false))
                .SetPartitionsLostHandler((consumer, lost) => OnRevoked(consumer, lost.Select(p => p.TopicPartition), lost: true))
                .Build();
        }

        private void Dispatch(ConsumeResult<string, byte[]> result)
        {
            var tp = result.TopicPartition;
            if (!_partitions.TryGetValue(tp, out var work))
            {
                // Not expected (librdkafka only delivers assigned partitions); without tracking it must not be handled.
                _slots.Release();
                LogUntracked(tp.Topic, tp.Partition.Value, result.Offset.Value);
                return;
            }

            var tracked = _tracker.Start(tp.Topic, tp.Partition.Value, result.Offset.Value);
            // The first message after an assignment is where the group's committed offset left off.
            _unfinishedFrom.TryAdd(tp, result.Offset.Value);
            var message = ToInbound(result);
            var previous = work.LastOfKey(message.Key);
            var task = Task.Run(() => ProcessAsync(message, tracked, work, previous));
            work.Track(task, message.Key);
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }

        private async Task ProcessAsync(InboundMessage message, TrackedOffset tracked, PartitionWork work, Task? previousOfKey)
        {
            try
            {
                if (previousOfKey is not null)
                {
                    await previousOfKey.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                for (var attempt = 1; ; attempt++)
                {
                    Exception failure;
                    using (var activity = MessageTracing.StartProcess(message, SystemName, _settings.GroupId))
                    {
                        try
                        {
                            // A message in the wrong format fails here and is retried, never skipped: fixing the
                            // configuration lets it through.
                            var plain = message with { Value = await _wireFormat.DecodeAsync(message).ConfigureAwait(false) };
                            await _handler.HandleAsync(plain, work.HandlerToken).ConfigureAwait(false);
                            break;
                        }
                        catch (OperationCanceledException) when (work.HandlerToken.IsCancellationRequested)
                        {
                            activity?.SetStatus(ActivityStatusCode.Error, "abandoned");
                            LogAbandoned(message.Topic, message.Partition, message.Offset);
                            return;
                        }
                        catch (Exception e)
                        {
                            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().FullName);
                            failure = e;
                        }
                    }

                    var delay = Backoff(attempt);
                    LogRetry(failure, message.Topic, message.Partition, message.Offset, attempt, delay);
                    try
                    {
                        await Task.Delay(delay, work.RetryToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        LogAbandoned(message.Topic, message.Partition, message.Offset);
                        return;
                    }
                }

                _tracker.Complete(tracked);
            }
            finally
            {
                _slots.Release();
            }
        }

        private TimeSpan Backoff(int attempt)
        {
            var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
            var delay = TimeSpan.FromTicks((long)Math.Min(_options.RetryInitialDelay.Ticks * factor, _options.RetryMaxDelay.Ticks));
            return delay;
        }

        private void OnAssigned(List<TopicPartition> assigned)
        {
            foreach (var tp in assigned)
            {
                _tracker.Assign(tp.Topic, tp.Partition.Value);
                _partitions[tp] = new PartitionWork(_shutdown, _hardStop.Token);
            }

            LogAssigned(_settings.GroupId, string.Join(",", assigned.Select(p => p.Partition.Value)));
        }

        /// <summary>
        /// Revoked: stop retrying, give in-flight messages the grace period, store and commit what finished while the
        /// partitions are still ours, then abandon the rest (its completions can no longer store anything).
        /// Lost: the partitions already belong to someone else, so nothing may be committed.
        /// </summary>
        private void OnRevoked(IConsumer<string, byte[]> consumer, IEnumerable<TopicPartition> revoked, bool lost)
        {
            var works = new List<(TopicPartition Partition, PartitionWork Work)>();
            foreach (var tp in revoked)
            {
                if (_partitions.Remove(tp, out var work))
                {
                    works.Add((tp, work));
                    work.StopRetrying();
                }
            }

            if (!lost)
            {
                var pending = works.SelectMany(w => w.Work.Pending()).ToArray();
                var grace = _shuttingDown ? TimeSpan.Zero : _options.RevocationGracePeriod;
                if (pending.Length > 0 && !Task.WaitAll(pending, grace))
                {
                    LogRevokedWithWork(pending.Count(t => !t.IsCompleted));
                }

                StoreFinished(consumer);
                if (!_shuttingDown)
                {
                    Commit(consumer);
                }

                // While shutting down (the revocation comes from Close) the synchronous commit is left out: it can
                // wait on a coordinator that is itself rebalancing, and librdkafka commits the stored offsets of
                // revoked partitions by itself (enable.auto.commit).
            }

            foreach (var (tp, work) in works)
            {
                _unfinishedFrom.Remove(tp);
                KafkaConsumerMetrics.Remove(this, tp.Topic, tp.Partition.Value);
                work.Abandon();
                _tracker.Revoke(tp.Topic, tp.Partition.Value);
                _retired.Add(work);
            }

            LogRevoked(_settings.GroupId, lost ? "lost" : "revoked", string.Join(",", works.Select(w => w.Partition.Partition.Value)));
        }

        private void StoreFinished(IConsumer<string, byte[]> consumer)
        {
            foreach (var storable in _tracker.DrainStorable())
            {
                try
                {
                    var tp = new TopicPartition(storable.Topic, storable.Partition);
                    consumer.StoreOffset(new TopicPartitionOffset(tp, storable.NextOffset));
                    if (_partitions.ContainsKey(tp))
                    {
                        _unfinishedFrom[tp] = storable.NextOffset;
                    }
                }
                catch (KafkaException e)
                {
                    LogStoreFailed(storable.Topic, storable.Partition, storable.NextOffset, e.Error.Code);
                }
            }
        }

        /// <summary>
        /// Once a second: each held partition's lag, from the high watermark librdkafka caches from fetch responses (no
        /// broker call). A partition with nothing handled yet since its assignment starts from the group's committed
        /// offset (one look-up), or from the start of the partition when the group has none.
        /// </summary>
        private void MeasureLag(IConsumer<string, byte[]> consumer)
        {
            if (Stopwatch.GetElapsedTime(_lagMeasuredAt) < LagInterval)
            {
                return;
            }

            _lagMeasuredAt = Stopwatch.GetTimestamp();
            var unknown = _partitions.Keys.Where(tp => !_unfinishedFrom.ContainsKey(tp)).ToList();
            if (unknown.Count > 0)
            {
                try
                {
                    foreach (var committed in consumer.Committed(unknown, CommittedLookupTimeout))
                    {
                        _unfinishedFrom[committed.TopicPartition] = committed.Offset.Value >= 0
                            ? committed.Offset.Value
                            : consumer.GetWatermarkOffsets(committed.TopicPartition).Low.Value;
                    }
                }
                catch (KafkaException e)
                {
                    LogLagLookupFailed(e.Error.Code, e.Error.Reason);
                }
            }

            foreach (var (tp, from) in _unfinishedFrom)
            {
                var high = consumer.GetWatermarkOffsets(tp).High.Value;
                if (high >= 0 && from >= 0)
                {
                    KafkaConsumerMetrics.Set(this, _settings.GroupId, tp.Topic, tp.Partition.Value, Math.Max(0, high - from));
                }
            }
        }

        private void Commit(IConsumer<string, byte[]> consumer)
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
            {
                // Nothing stored since the last commit.
            }
            catch (KafkaException e)
            {
                LogCommitFailed(e.Error.Code, e.Error.Reason);
            }
        }

        private void Shutdown(IConsumer<string, byte[]> consumer)
        {
            _shuttingDown = true;
            var running = Task.WhenAll(_running.Where(t => !t.IsCompleted));
            if (!WaitServingTheGroup(consumer, running, _options.ShutdownGracePeriod))
            {
                _hardStop.Cancel();
                if (!WaitServingTheGroup(consumer, running, AbandonWait))
                {
                    LogHandlersIgnoredCancellation(_running.Count(t => !t.IsCompleted));
                }
            }

            _hardStop.Cancel();
            StoreFinished(consumer);
            Commit(consumer);
            if (CloseWithin(consumer, CloseTimeout))
            {
                consumer.Dispose();
            }
            else
            {
                // Disposing while Close still runs on another thread is not safe; the process is ending anyway, and
                // the group moves the partitions on after the session timeout.
                LogCloseTimedOut(CloseTimeout);
            }

            foreach (var work in _partitions.Values.Concat(_retired))
            {
                work.Dispose();
            }

            KafkaConsumerMetrics.RemoveAll(this);

            _hardStop.Dispose();
            _wireFormat.Dispose();
            LogStopped(_settings.Topic, _settings.GroupId);
        }

        /// <summary>
        /// Waits for the in-flight handlers while still polling, with every partition paused: the member keeps up with
        /// rebalances (others stopping at the same time) instead of falling out of the group's generation, and their
        /// finished offsets are stored as they come. A message polled anyway is not handled, so it comes again.
        /// </summary>
        private bool WaitServingTheGroup(IConsumer<string, byte[]> consumer, Task running, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!running.IsCompleted && clock.Elapsed < timeout)
            {
                try
                {
                    consumer.Pause(consumer.Assignment);
                    consumer.Consume(PollInterval);
                }
                catch (KafkaException e)
                {
                    LogConsumeError(e.Error.Code, e.Error.Reason);
                }

                StoreFinished(consumer);
            }

            return running.IsCompleted;
        }

        /// <summary>Leaves the group now (revoking our partitions) instead of after the session timeout, waiting at most <paramref name="timeout"/>.</summary>
        private bool CloseWithin(IConsumer<string, byte[]> consumer, TimeSpan timeout)
        {
            var close = Task.Run(consumer.Close);
            try
            {
                return close.Wait(timeout);
            }
            catch (AggregateException e) when (e.InnerException is KafkaException kafka)
            {
                LogCommitFailed(kafka.Error.Code, kafka.Error.Reason);
                return true;
            }
        }

        private static InboundMessage ToInbound(ConsumeResult<string, byte[]> result)
        {
            var headers = new List<MessageHeader>(result.Message.Headers?.Count ?? 0);
            if (result.Message.Headers is { } kafkaHeaders)
            {
                foreach (var header in kafkaHeaders)
                {
                    headers.Add(new MessageHeader(header.Key, header.GetValueBytes() ?? []));
                }
            }

            return new InboundMessage(
                result.Topic,
                result.Partition.Value,
                result.Offset.Value,
                result.Message.Key,
                result.Message.Value ?? [],
                headers);
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Topic} as group {GroupId} with up to {MaxInFlight} messages in flight")]
        private partial void LogStarted(string topic, string groupId, int maxInFlight);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stopped consuming {Topic} as group {GroupId}")]
        private partial void LogStopped(string topic, string groupId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId}: assigned partitions {Partitions}")]
        private partial void LogAssigned(string groupId, string partitions);

        [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId}: partitions {Partitions} {How}")]
        private partial void LogRevoked(string groupId, string how, string partitions);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} messages of revoked partitions did not finish within the grace period; they will be redelivered")]
        private partial void LogRevokedWithWork(int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Handling {Topic} [{Partition}] @{Offset} failed (attempt {Attempt}); retrying in {Delay}")]
        private partial void LogRetry(Exception exception, string topic, int partition, long offset, int attempt, TimeSpan delay);

        [LoggerMessage(Level = LogLevel.Information, Message = "Abandoned {Topic} [{Partition}] @{Offset} unfinished (revoked or shutting down); it will be redelivered")]
        private partial void LogAbandoned(string topic, int partition, long offset);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Consume error {ErrorCode}: {Reason}")]
        private partial void LogConsumeError(ErrorCode errorCode, string reason);

        [LoggerMessage(Level = LogLevel.Error, Message = "Received {Topic} [{Partition}] @{Offset} from an untracked partition; not handled")]
        private partial void LogUntracked(string topic, int partition, long offset);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Storing offset {Offset} of {Topic} [{Partition}] failed: {ErrorCode}")]
        private partial void LogStoreFailed(string topic, int partition, long offset, ErrorCode errorCode);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Committing offsets failed: {ErrorCode} {Reason}")]
        private partial void LogCommitFailed(ErrorCode errorCode, string reason);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Looking up committed offsets for the lag metric failed: {ErrorCode} {Reason}")]
        private partial void LogLagLookupFailed(ErrorCode errorCode, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The consumer did not leave its group within {Timeout}; its partitions move to other members after the session timeout")]
        private partial void LogCloseTimedOut(TimeSpan timeout);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Count} handlers ignored cancellation at shutdown; their messages will be redelivered")]
        private partial void LogHandlersIgnoredCancellation(int count);
    }

    /// <summary>One assignment of a partition: its in-flight handlers and the tokens that stop them.</summary>
    private sealed class PartitionWork : IDisposable
    {
        private readonly CancellationTokenSource _retry;
        private readonly CancellationTokenSource _handlers;
        private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
        private readonly ConcurrentDictionary<string, Task> _lastOfKey = new(StringComparer.Ordinal);

        public PartitionWork(CancellationToken shutdown, CancellationToken hardStop)
        {
            _retry = CancellationTokenSource.CreateLinkedTokenSource(shutdown, hardStop);
            _handlers = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
        }

        /// <summary>Cancelled once the partition is revoked or shutdown begins: a failed message is not retried then.</summary>
        public CancellationToken RetryToken => _retry.Token;

        /// <summary>Cancelled once the partition's (or shutdown's) grace period has passed.</summary>
        public CancellationToken HandlerToken => _handlers.Token;

        /// <summary>The newest unfinished message task of a key, which the key's next message waits for.</summary>
        public Task? LastOfKey(string? key) => key is not null && _lastOfKey.TryGetValue(key, out var task) ? task : null;

        public void Track(Task task, string? key)
        {
            _inFlight.TryAdd(task, 0);
            if (key is not null)
            {
                _lastOfKey[key] = task;
            }

            _ = task.ContinueWith(
                t =>
                {
                    _inFlight.TryRemove(t, out _);
                    if (key is not null)
                    {
                        // Only forget the key if no later message of it has been dispatched meanwhile.
                        _lastOfKey.TryRemove(new KeyValuePair<string, Task>(key, t));
                    }
                },
                TaskScheduler.Default);
        }

        public IEnumerable<Task> Pending() => _inFlight.Keys.Where(t => !t.IsCompleted);

        public void StopRetrying() => _retry.Cancel();

        public void Abandon()
        {
            _retry.Cancel();
            _handlers.Cancel();
        }

        public void Dispose()
        {
            _retry.Dispose();
            _handlers.Dispose();
        }
    }
}
