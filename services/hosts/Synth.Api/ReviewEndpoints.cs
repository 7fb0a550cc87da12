using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Synth.Contracts.Audit;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>The human-review API: next task, submit a label, a job's queue progress (docs/curation.md, "Review API").</summary>
public static class ReviewEndpoints
{
    public static IEndpointRouteBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var reviews = app.MapGroup("/reviews").WithTags("Review");
        reviews.MapGet("/next", NextAsync)
            .RequireAuthorization(ApiPolicies.Reviewer)
            .WithName("NextReviewTask")
            .WithSummary("Lease the most uncertain pending review task (of one job, or any job) to the calling reviewer.");
        reviews.MapPost("/{sampleId}/label", SubmitAsync)
            .RequireAuthorization(ApiPolicies.Reviewer)
            .WithName("SubmitReviewLabel")
            .WithSummary("Submit the reviewer's label for a leased task; it becomes the sample's label and is recorded in its history.");
        reviews.MapPost("/{sampleId}/reject", RejectAsync)
            .RequireAuthorization(ApiPolicies.Reviewer)
            .WithName("RejectReviewSample")
            .WithSummary("Reject the sample of a leased task: it leaves the dataset (a tombstone on synth.samples.curated when it was curated).");
        app.MapGet("/jobs/{jobId}/reviews", ProgressAsync)
            .WithTags("Review")
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("ReviewProgress")
            .WithSummary("How far a job's review queue has got.");
        return app;
    }

    private static async Task<Results<Ok<ReviewTaskResponse>, NoContent, ProblemHttpResult>> NextAsync(
        string? jobId, ClaimsPrincipal user, IReviewStore reviews, JobCatalog jobs, IOptions<ApiOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (jobId is not null && await FindJobAsync(jobs, jobId, cancellationToken) is null)
        {
            return UnknownJob(jobId);
        }

        var lease = await reviews.LeaseNextReviewAsync(jobId, Reviewer(user), time.GetUtcNow(), TimeSpan.FromMinutes(options.Value.ReviewLeaseMinutes), cancellationToken);
        if (lease is null)
        {
            return TypedResults.NoContent();
        }

        var sample = lease.Sample;
        var job = await FindJobAsync(jobs, sample.JobId, cancellationToken);
        var labels = job?.Spec.Task.Labels.Select(label => new LabelOption(label.Name, label.Description)).ToList() ?? [];
        return TypedResults.Ok(new ReviewTaskResponse(
            sample.Id, sample.JobId, sample.Content.Text, sample.Content.Label, labels, sample.Review!.Priority, sample.Review.Reason,
            sample.Review.Candidates, sample.LabelHistory, lease.LeaseToken, lease.ExpiresAt));
    }

    private static async Task<Results<Ok<SubmitLabelResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        string sampleId, SubmitLabelRequest? request, ClaimsPrincipal user, ISampleStore store, IReviewStore reviews, JobCatalog jobs, AuditTrail audit,
        ReviewedSamplePublisher curated, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request?.Label))
        {
            errors["label"] = ["required: one of the job's labels"];
        }

        if (string.IsNullOrWhiteSpace(request?.LeaseToken))
        {
            errors["leaseToken"] = ["required: the leaseToken of the task from GET /reviews/next"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var stored = await store.GetSampleAsync(sampleId, cancellationToken);
        if (stored is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown sample", detail: $"No sample '{sampleId}'.");
        }

        var job = await FindJobAsync(jobs, stored.JobId, cancellationToken);
        var labels = job?.Spec.Task.Labels.Select(label => label.Name).ToList() ?? [];
        if (!labels.Contains(request!.Label!, StringComparer.Ordinal))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["label"] = [$"'{request.Label}' is not a label of job '{stored.JobId}'; one of: {string.Join(", ", labels)}"],
            });
        }

        var reviewer = Reviewer(user);
        var now = time.GetUtcNow();
        var completion = await reviews.CompleteReviewAsync(sampleId, request.LeaseToken!, sample =>
        {
            HumanReview.Submit(sample, request.Label!, reviewer, now, string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason);
            sample.Review!.LeaseExpiresAt = null;
            sample.UpdatedAt = now;
            ReviewedSamplePublisher.MarkPending(sample);
        }, cancellationToken);
        if (completion.Status != ReviewCompletionStatus.Completed)
        {
            return NotCompleted(sampleId, completion);
        }

        await audit.RecordAsync(user, AuditAction.Label, stored.JobId, cancellationToken, sampleId, request.Label);
        // A relabelled curated sample: its record with the new version replaces the old one downstream (the outbox
        // entry stored with the review keeps it until published).
        await curated.PublishAsync(completion.Sample!, cancellationToken);
        return TypedResults.Ok(new SubmitLabelResponse(sampleId, completion.Sample!.Content.Label!, completion.Sample.Review!, completion.Sample.LabelHistory));
    }

    private static async Task<Results<Ok<SubmitLabelResponse>, ValidationProblem, ProblemHttpResult>> RejectAsync(
        string sampleId, RejectSampleRequest? request, ClaimsPrincipal user, IReviewStore reviews, AuditTrail audit, ReviewedSamplePublisher curated,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.LeaseToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["leaseToken"] = ["required: the leaseToken of the task from GET /reviews/next"],
            });
        }

        var reviewer = Reviewer(user);
        var now = time.GetUtcNow();
        var completion = await reviews.CompleteReviewAsync(sampleId, request.LeaseToken, sample =>
        {
            HumanReview.Reject(sample, reviewer, now, string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason);
            sample.Review!.LeaseExpiresAt = null;
            sample.UpdatedAt = now;
            ReviewedSamplePublisher.MarkPending(sample);
        }, cancellationToken);
        if (completion.Status != ReviewCompletionStatus.Completed)
        {
            return NotCompleted(sampleId, completion);
        }

        var sample = completion.Sample!;
        await audit.RecordAsync(user, AuditAction.Reject, sample.JobId, cancellationToken, sampleId);
        // A rejected curated sample: a tombstone removes it downstream.
        await curated.PublishAsync(sample, cancellationToken);
        return TypedResults.Ok(new SubmitLabelResponse(sampleId, sample.Content.Label!, sample.Review!, sample.LabelHistory));
    }

    private static ProblemHttpResult NotCompleted(string sampleId, ReviewCompletion completion) => completion.Status switch
    {
        ReviewCompletionStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown sample", detail: $"No sample '{sampleId}'."),
        ReviewCompletionStatus.NotPending => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No pending review",
            detail: $"Sample '{sampleId}' has no pending review ({(completion.Sample?.Review is { } review ? $"it is {review.Status.ToString().ToLowerInvariant()}" : "it was never queued")})."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Lease not held",
            detail: $"The lease on sample '{sampleId}' is not yours any more (it expired and another reviewer took the task); fetch a new task."),
    };

    private static async Task<Results<Ok<ReviewProgressResponse>, ProblemHttpResult>> ProgressAsync(
        string jobId, IReviewStore reviews, JobCatalog jobs, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FindJobAsync(jobs, jobId, cancellationToken) is null)
        {
            return UnknownJob(jobId);
        }

        var progress = await reviews.GetReviewProgressAsync(jobId, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new ReviewProgressResponse(jobId, progress.Pending, progress.Leased, progress.Labelled, progress.Rejected, progress.Total));
    }

    private static async Task<PipelineJob?> FindJobAsync(JobCatalog jobs, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await jobs.GetAsync(jobId, cancellationToken);
        }
        catch (UnknownJobException)
        {
            return null;
        }
    }

    private static ProblemHttpResult UnknownJob(string jobId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown job", detail: $"No job '{jobId}'.");

    /// <summary>The authenticated caller's name: the name configured with its key.</summary>
    private static string Reviewer(ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("The review endpoints require an authenticated caller.");
}
