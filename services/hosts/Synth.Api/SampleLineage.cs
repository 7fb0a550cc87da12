using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

/// <summary>A sample as listed by the browser.</summary>
/// <param name="Preview">The start of its text (<see cref="SampleText.Of"/>).</param>
/// <param name="RejectReason">Why it was rejected, when it was.</param>
public sealed record SampleSummary(
    string Id, SampleState State, string? Label, string Preview, string? RejectReason, ReviewStatus? Review, DateTimeOffset UpdatedAt);

/// <summary>Everything known about how one sample came to be and what happened to it since.</summary>
/// <param name="Prompt">The prompt that made it: strategy, template id and the hash of the rendered prompt.</param>
/// <param name="Request">The ledger record of its LLM request (attempts, tokens, cost of the whole request); null if missing.</param>
/// <param name="Timeline">Creation, every stage decision, every label change and the review, oldest first.</param>
/// <param name="TraceUrl">The trace in the configured trace viewer; null when none is configured.</param>
public sealed record SampleLineage(
    string Id,
    string JobId,
    TaskType TaskType,
    SampleState State,
    SampleContent Content,
    double Weight,
    PromptLineage Prompt,
    IReadOnlyDictionary<string, string> Conditions,
    IReadOnlyList<string> DemoIds,
    ModelLineage Model,
    RequestLineage? Request,
    IReadOnlyList<StageDecision> Decisions,
    IReadOnlyList<LabelChange> LabelHistory,
    ReviewLineage? Review,
    IReadOnlyList<LineageEvent> Timeline,
    string? TraceId,
    Uri? TraceUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record PromptLineage(string RequestId, long RequestIndex, int IndexInRequest, string? Strategy, string? TemplateId, string? PromptHash);

/// <param name="CostUsd">This sample's share of its request's cost.</param>
public sealed record ModelLineage(string? Provider, string? Model, IReadOnlyDictionary<string, string> Parameters, long PromptTokens, long CompletionTokens, decimal CostUsd);

public sealed record RequestLineage(string Id, RequestStatus Status, int Attempts, string? Model, long PromptTokens, long CompletionTokens, decimal CostUsd, int SamplesInRequest, string? TraceId, Uri? TraceUrl, DateTimeOffset At);

/// <summary>The review without its lease token (the token is the lease holder's alone).</summary>
public sealed record ReviewLineage(
    ReviewStatus Status, string? Reviewer, string? Label, double Priority, string? Reason, IReadOnlyList<ReviewCandidateLabel> Candidates,
    DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt, string? LeasedBy, DateTimeOffset? LeaseExpiresAt);

/// <param name="Kind">generated, decision, label-change, review-requested or reviewed.</param>
/// <param name="Stage">The stage (decisions) or the method (label changes).</param>
public sealed record LineageEvent(DateTimeOffset At, string Kind, string? Stage, string Summary);

/// <summary>Turns stored documents into the API's sample views.</summary>
public static class SampleViews
{
    public const int PreviewLength = 160;

    public static SampleSummary Summary(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var text = SampleText.Of(sample.Content);
        return new SampleSummary(
            sample.Id, sample.State, sample.Content.Label, text.Length <= PreviewLength ? text : text[..PreviewLength] + "…",
            sample.Decisions.LastOrDefault(d => d.Outcome == SampleState.Rejected)?.Reason, sample.Review?.Status, sample.UpdatedAt);
    }

    public static SampleLineage Lineage(SampleDocument sample, RequestRecord? request, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(options);
        var provenance = sample.Provenance;
        var review = sample.Review;
        return new SampleLineage(
            sample.Id, sample.JobId, sample.TaskType, sample.State, sample.Content, sample.Weight,
            new PromptLineage(provenance.RequestId, provenance.RequestIndex, provenance.IndexInRequest, provenance.Strategy, provenance.TemplateId, provenance.PromptHash),
            provenance.Conditions, provenance.DemoIds,
            new ModelLineage(provenance.Provider, provenance.Model, provenance.Parameters, provenance.Usage.PromptTokens, provenance.Usage.CompletionTokens, provenance.CostUsd),
            request is null ? null : new RequestLineage(request.Id, request.Status, request.Attempts, request.Model, request.Usage.PromptTokens, request.Usage.CompletionTokens,
                request.CostUsd, request.SampleIds.Count, request.TraceId, options.TraceLink(request.TraceId), request.At),
            sample.Decisions, sample.LabelHistory,
            review is null ? null : new ReviewLineage(review.Status, review.Reviewer, review.Label, review.Priority, review.Reason, review.Candidates,
                review.RequestedAt, review.CompletedAt, review.LeasedBy, review.LeaseExpiresAt),
            Timeline(sample), sample.TraceId, options.TraceLink(sample.TraceId), sample.CreatedAt, sample.UpdatedAt);
    }

    /// <summary>Every event of the sample's history in time order (events at one instant keep their stored order).</summary>
    public static IReadOnlyList<LineageEvent> Timeline(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var events = new List<LineageEvent>
        {
            new(sample.CreatedAt, "generated", Stage.Generator.Name(), $"generated by {sample.Provenance.Model ?? "an unnamed model"} in request {sample.Provenance.RequestId}"),
        };
        events.AddRange(sample.Decisions.Select(d => new LineageEvent(d.At, "decision", d.Stage.Name(),
            $"{Name(d.Outcome)}{(d.Reason is null ? "" : ": " + d.Reason)}{(d.Scores.Count == 0 ? "" : " (" + string.Join(", ", d.Scores.Select(s => $"{s.Key} {s.Value:0.###}")) + ")")}")));
        events.AddRange(sample.LabelHistory.Select(c => new LineageEvent(c.At, "label-change", EnumSpelling.Of(c.Method),
            $"{c.From ?? "(none)"} → {c.To}{(c.By is null ? "" : " by " + c.By)}{(c.Confidence is { } confidence ? $" (confidence {confidence:0.###})" : "")}{(c.Reason is null ? "" : ": " + c.Reason)}")));
        if (sample.Review is { } review)
        {
            events.Add(new LineageEvent(review.RequestedAt, "review-requested", Stage.LabelRefiner.Name(), review.Reason ?? "queued for human review"));
            if (review.CompletedAt is { } completed)
            {
                events.Add(new LineageEvent(completed, "reviewed", EnumSpelling.Of(LabelMethod.HumanReview), $"{review.Reviewer}: {review.Label}"));
            }
        }

        return [.. events.OrderBy(e => e.At)];
    }

    private static string Name(SampleState state) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(state.ToString());
}
