using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>A job as a processor sees it: its id and parsed spec.</summary>
public sealed record PipelineJob(string JobId, JobSpec Spec);

/// <summary>
/// The algorithm of a consuming stage (filter, label refiner, evaluator). It gets its own copy of the sample and
/// may change its labels (appending to the label history), weight or review; it returns the verdict. It must give
/// the same verdict for the same sample, since a redelivered message may be processed again.
/// </summary>
public interface ISampleProcessor
{
    Stage Stage { get; }

    ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken);
}

/// <param name="Outcome">One of the stage's output states (<see cref="Stages.OutputStates"/>).</param>
public sealed record StageVerdict(SampleState Outcome, IReadOnlyDictionary<string, double>? Scores = null, string? Reason = null);

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

/// <param name="SampleCount">How many samples this request should yield (the last request of a job may ask for fewer).</param>
public sealed record GenerationRequest(PipelineJob Job, long RequestIndex, string RequestId, int SampleCount);

/// <summary>A generated sample before the runtime gives it its id, job and request provenance.</summary>
public sealed record SampleDraft
{
    public required SampleContent Content { get; init; }
    public string? Strategy { get; init; }
    public string? TemplateId { get; init; }
    public string? PromptHash { get; init; }
    public IReadOnlyDictionary<string, string> Conditions { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> DemoIds { get; init; } = [];
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}

/// <summary>The outcome of one LLM request: drafts plus accounting, or a failure with its reason and raw answer.</summary>
public sealed record GenerationResult
{
    public IReadOnlyList<SampleDraft> Drafts { get; init; } = [];
    public string? Provider { get; init; }
    public string? Model { get; init; }
    public TokenUsage Usage { get; init; } = new();
    public decimal CostUsd { get; init; }
    public int Attempts { get; init; } = 1;
    /// <summary>Set when the request failed; the request is then stored as a counted failure.</summary>
    public string? Error { get; init; }
    public string? RawResponse { get; init; }
    /// <summary>Items of the answer that could not become samples (the request may still have succeeded with the rest).</summary>
    public IReadOnlyList<RequestItemFailure> ItemFailures { get; init; } = [];

    public bool Succeeded => Error is null;

    public static GenerationResult Failed(string error, string? rawResponse = null, int attempts = 1) =>
        new() { Error = error, RawResponse = rawResponse, Attempts = attempts };
}
