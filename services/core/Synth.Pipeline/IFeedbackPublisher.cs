using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Pipeline;

/// <summary>Where the evaluator sends a job's coverage and novelty (<see cref="FeedbackMessage"/>) for the generator.</summary>
public interface IFeedbackPublisher
{
    Task PublishAsync(FeedbackMessage message, CancellationToken cancellationToken);
}
