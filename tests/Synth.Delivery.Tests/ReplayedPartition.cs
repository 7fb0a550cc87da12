using Synth.Messaging;

namespace Synth.Delivery.Tests;

/// <summary>
/// One partition of a topic, consumed the way the Kafka transport does: up to MaxInFlight records handled at once,
/// and the committed offset is the first record whose handler has not returned (every earlier one has). A "crash"
/// abandons the handlers still running; a restart consumes again from the committed offset.
/// </summary>
internal sealed class ReplayedPartition(IReadOnlyList<InboundMessage> messages)
{
    public long Committed { get; private set; }

    /// <summary>Starts a handler for every record from the committed offset on; returns their tasks by offset.</summary>
    public IReadOnlyList<Task> Deliver(IMessageHandler handler, CancellationToken cancellationToken) =>
        [.. messages.Skip((int)Committed).Select(m => Task.Run(() => handler.HandleAsync(m, cancellationToken), CancellationToken.None))];

    /// <summary>Commits what the delivered handlers finished, in offset order, as the consumer's offset store does.</summary>
    public void Commit(IReadOnlyList<Task> delivered)
    {
        var done = delivered.TakeWhile(t => t.IsCompletedSuccessfully).Count();
        Committed += done;
    }
}
