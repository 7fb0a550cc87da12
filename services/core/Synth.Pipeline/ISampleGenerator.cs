using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>The generation algorithm: turns one planned request into sample drafts (or a failure with its reason).</summary>
public interface ISampleGenerator
{
    /// <summary>
    /// Checks that this generator can run the job and sets up what it needs, before any request is planned: a job
    /// it cannot run must fail here, not as a stored failure of every request (which would never be retried).
    /// </summary>
    ValueTask PrepareAsync(PipelineJob job, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken);

    /// <summary>The evaluator's latest coverage of a job (synth.feedback); a generator may steer later requests by it.</summary>
    ValueTask OnFeedbackAsync(FeedbackMessage feedback, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
