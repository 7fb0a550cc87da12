using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>
/// Feedback as the generator side receives it on one machine. Each subscriber first gets the latest message of every
/// (job, evaluator instance) already published, then every new one. Messages are cumulative per instance, so fold
/// them with <see cref="FeedbackTotals"/>; a slow subscriber drops its oldest unread messages, never the newest.
/// </summary>
public interface IFeedbackSource
{
    IAsyncEnumerable<FeedbackMessage> SubscribeAsync(CancellationToken cancellationToken);
}
