namespace Synth.Messaging;

/// <summary>
/// Decides which offset may be stored for each partition when messages are handled concurrently: the stored offset
/// only ever moves past a message once it AND every earlier consumed message of the same partition have finished,
/// so a crash can never skip an unfinished message. Each assignment of a partition is a new generation; completions
/// from an earlier generation (work that outlived a revocation) are ignored. Thread-safe; no transport types.
/// </summary>
public sealed class PartitionOffsetTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Topic, int Partition), PartitionState> _partitions = [];
    private long _nextGeneration = 1;

    /// <summary>Starts tracking a newly assigned partition (replacing any earlier assignment of it).</summary>
    public void Assign(string topic, int partition)
    {
        lock (_lock)
        {
            _partitions[(topic, partition)] = new PartitionState(_nextGeneration++);
        }
    }

    /// <summary>Stops tracking a partition: its in-flight messages can no longer move any stored offset.</summary>
    public void Revoke(string topic, int partition)
    {
        lock (_lock)
        {
            _partitions.Remove((topic, partition));
        }
    }

    /// <summary>Records that a message was consumed and handed to a handler. Offsets of a partition must increase.</summary>
    public TrackedOffset Start(string topic, int partition, long offset)
    {
        lock (_lock)
        {
            if (!_partitions.TryGetValue((topic, partition), out var state))
            {
                throw new InvalidOperationException($"Partition {topic} [{partition}] is not assigned.");
            }

            if (offset <= state.LastStarted)
            {
                throw new InvalidOperationException(
                    $"Offset {offset} of {topic} [{partition}] is not after the last consumed offset {state.LastStarted}.");
            }

            state.LastStarted = offset;
            state.Pending.Enqueue(offset);
            return new TrackedOffset(topic, partition, offset, state.Generation);
        }
    }

    /// <summary>
    /// Records that a message's handling finished. Returns the offset to store (the next offset to consume, as Kafka
    /// expects) when the finished prefix of the partition grew; null when an earlier message is still in flight or the
    /// message belongs to a revoked assignment.
    /// </summary>
    public long? Complete(TrackedOffset tracked)
    {
        lock (_lock)
        {
            if (!TryGetCurrent(tracked, out var state))
            {
                return null;
            }

            state.Finished.Add(tracked.Offset);
            long? next = null;
            while (state.Pending.TryPeek(out var head) && state.Finished.Remove(head))
            {
                state.Pending.Dequeue();
                next = head + 1;
            }

            if (next is not null)
            {
                state.Storable = next;
            }

            return next;
        }
    }

    /// <summary>
    /// The partitions whose storable offset advanced since the last call, with their newest storable offset. Only
    /// currently assigned partitions appear, so storing these never resurrects a revoked partition's progress.
    /// </summary>
    public IReadOnlyList<StorableOffset> DrainStorable()
    {
        lock (_lock)
        {
            var result = new List<StorableOffset>();
            foreach (var ((topic, partition), state) in _partitions)
            {
                if (state.Storable is { } next)
                {
                    result.Add(new StorableOffset(topic, partition, next));
                    state.Storable = null;
                }
            }

            return result;
        }
    }

    /// <summary>Messages of the partition consumed but not yet covered by a storable offset (0 when not assigned).</summary>
    public int InFlight(string topic, int partition)
    {
        lock (_lock)
        {
            return _partitions.TryGetValue((topic, partition), out var state) ? state.Pending.Count : 0;
        }
    }

    private bool TryGetCurrent(TrackedOffset tracked, out PartitionState state) =>
        _partitions.TryGetValue((tracked.Topic, tracked.Partition), out state!) && state.Generation == tracked.Generation;

    private sealed class PartitionState(long generation)
    {
        public long Generation { get; } = generation;
        public long LastStarted { get; set; } = -1;
        /// <summary>Newest offset to store that <see cref="DrainStorable"/> has not handed out yet.</summary>
        public long? Storable { get; set; }
        /// <summary>Consumed offsets in consumption order whose prefix has not been released yet.</summary>
        public Queue<long> Pending { get; } = new();
        /// <summary>Finished offsets still waiting for an earlier message of the partition.</summary>
        public HashSet<long> Finished { get; } = [];
    }
}
