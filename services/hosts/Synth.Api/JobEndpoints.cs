using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Synth.Contracts.Audit;
using Synth.ControlPlane;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>Jobs: submit, list, one job, and the lifecycle commands (docs/api.md).</summary>
public static class JobEndpoints
{
    public const int MaxPageSize = 500;

    /// <summary>The name a spec sent over HTTP is reported under in error messages.</summary>
    public const string SubmittedSpecName = "request body";

    public static IEndpointRouteBuilder MapJobApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync)
            .Accepts<string>("application/yaml", "application/json", "text/yaml", "text/plain")
            .WithName("SubmitJob")
            .RequireAuthorization(ApiPolicies.Operator)
            .WithSummary("Submit a job spec (YAML or JSON); it is validated, stored and started. A bad spec gets 400 naming line and field of every error; an existing job id with another spec 409.");
        jobs.MapGet("/", ListAsync).RequireAuthorization(ApiPolicies.Viewer).WithName("ListJobs").WithSummary("Jobs in id order with state, live counts per stage and budget spent; paged by ?after=&limit=.");
        jobs.MapGet("/{jobId}", GetAsync).RequireAuthorization(ApiPolicies.Viewer).WithName("GetJob").WithSummary("One job with its state history and spec.");
        jobs.MapPost("/{jobId}/pause", (string jobId, ClaimsPrincipal user, [FromServices] IJobControl control, [FromServices] AuditTrail audit, [FromServices] ISampleStore store, [FromServices] JobViews views, CancellationToken ct) =>
            CommandAsync(jobId, store, views, () => control.PauseAsync(jobId, ct), () => audit.RecordAsync(user, AuditAction.Pause, jobId, ct), ct)).RequireAuthorization(ApiPolicies.Operator).WithName("PauseJob").WithSummary("Pause a running job (generation stops taking new requests).");
        jobs.MapPost("/{jobId}/resume", (string jobId, ClaimsPrincipal user, [FromServices] IJobControl control, [FromServices] AuditTrail audit, [FromServices] ISampleStore store, [FromServices] JobViews views, CancellationToken ct) =>
            CommandAsync(jobId, store, views, () => control.ResumeAsync(jobId, ct), () => audit.RecordAsync(user, AuditAction.Resume, jobId, ct), ct)).RequireAuthorization(ApiPolicies.Operator).WithName("ResumeJob").WithSummary("Resume a paused job.");
        jobs.MapPost("/{jobId}/cancel", (string jobId, string? reason, ClaimsPrincipal user, [FromServices] IJobControl control, [FromServices] AuditTrail audit, [FromServices] ISampleStore store, [FromServices] JobViews views, CancellationToken ct) =>
            CommandAsync(jobId, store, views, () => control.CancelAsync(jobId, reason, ct), () => audit.RecordAsync(user, AuditAction.Cancel, jobId, ct, detail: reason), ct)).RequireAuthorization(ApiPolicies.Operator).WithName("CancelJob").WithSummary("Cancel a job (?reason= is recorded with the transition).");
        jobs.MapPut("/{jobId}/target", ChangeTargetAsync).RequireAuthorization(ApiPolicies.Operator).WithName("ChangeJobTarget").WithSummary("Change how many samples the job generates.");
        return app;
    }

    private static async Task<Results<Created<JobDetail>, ProblemHttpResult>> SubmitAsync(
        HttpRequest request, ClaimsPrincipal user, [FromServices] IJobControl control, [FromServices] AuditTrail audit, [FromServices] IOptions<ApiOptions> options,
        [FromServices] JobViews views, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty job spec",
                detail: "The request body is empty: send the job spec as YAML or JSON (docs/job-spec.md).");
        }

        var cap = options.Value.MaxRunningJobsPerKey;
        if (await audit.RunningJobsOfAsync(user, cancellationToken) is var running && running >= cap)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many running jobs",
                detail: $"This key has {running} jobs running, the most one key may run at once (Api:MaxRunningJobsPerKey = {cap}); wait for one to finish or cancel one.");
        }

        JobDocument job;
        try
        {
            job = await control.SubmitAsync(text, SubmittedSpecName, options.Value.KeyNamed(user.Identity!.Name!).Connections, cancellationToken);
        }
        catch (JobSpecException ex)
        {
            return SpecProblem(ex);
        }
        catch (JobTransitionException ex)
        {
            // The job id exists with another spec.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Job exists with another spec", detail: ex.Message);
        }

        await audit.RecordAsync(user, AuditAction.Submit, job.Id, cancellationToken, detail: job.SpecHash);
        return TypedResults.Created($"/jobs/{Uri.EscapeDataString(job.Id)}", await views.DetailAsync(job, cancellationToken));
    }

    /// <summary>400 with every error of the spec, each with line, column and field, in the "errors" extension.</summary>
    public static ProblemHttpResult SpecProblem(JobSpecException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var errors = exception.Errors.Select(e => new SpecErrorResponse(e.FieldPath, e.Line, e.Column, e.Message)).ToList();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: exception is JobSpecValidationException ? "Invalid job spec" : "Unreadable job spec",
            detail: exception.Message,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
    }

    private static async Task<Results<Ok<PageResponse<JobSummary>>, ValidationProblem>> ListAsync(
        string? after, int? limit, [FromServices] IBrowseStore browse, [FromServices] JobViews views, CancellationToken cancellationToken)
    {
        if (PageSizeError(limit) is { } error)
        {
            return error;
        }

        var page = await browse.ListJobsAsync(after, limit ?? 50, cancellationToken);
        var items = new List<JobSummary>(page.Items.Count);
        foreach (var job in page.Items)
        {
            items.Add(await views.SummarizeAsync(job, cancellationToken));
        }

        return TypedResults.Ok(new PageResponse<JobSummary>(items, page.NextAfterId));
    }

    private static async Task<Results<Ok<JobDetail>, ProblemHttpResult>> GetAsync(
        string jobId, [FromServices] ISampleStore store, [FromServices] JobViews views, CancellationToken cancellationToken) =>
        await store.GetJobAsync(jobId, cancellationToken) is { } job
            ? TypedResults.Ok(await views.DetailAsync(job, cancellationToken))
            : UnknownJob(jobId);

    private static async Task<Results<Accepted<JobDetail>, ValidationProblem, ProblemHttpResult>> ChangeTargetAsync(
        string jobId, ChangeTargetRequest? request, ClaimsPrincipal user, [FromServices] IJobControl control, [FromServices] AuditTrail audit, [FromServices] ISampleStore store,
        [FromServices] JobViews views, CancellationToken cancellationToken)
    {
        if (request?.TargetCount is not > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["targetCount"] = ["required: a whole number of samples, at least 1"] });
        }

        var target = request.TargetCount.Value;
        return await CommandAsync(jobId, store, views, () => control.ChangeTargetAsync(jobId, target, cancellationToken),
            () => audit.RecordAsync(user, AuditAction.Retarget, jobId, cancellationToken, detail: target.ToString(CultureInfo.InvariantCulture)), cancellationToken) switch
        {
            { Result: Accepted<JobDetail> accepted } => accepted,
            { Result: ProblemHttpResult problem } => problem,
            var other => throw new InvalidOperationException($"Unexpected result {other.Result}."),
        };
    }

    /// <summary>
    /// Sends a lifecycle command and records who sent it; 202 with the job as stored now (the state machine makes the transition
    /// asynchronously: poll GET /jobs/{id}), 404 for an unknown job, 409 when its state does not allow the command.
    /// </summary>
    private static async Task<Results<Accepted<JobDetail>, ProblemHttpResult>> CommandAsync(
        string jobId, ISampleStore store, JobViews views, Func<Task> command, Func<Task> record, CancellationToken cancellationToken)
    {
        try
        {
            await command();
        }
        catch (UnknownJobException)
        {
            return UnknownJob(jobId);
        }
        catch (JobTransitionException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not allowed in this state", detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["state"] = ex.State });
        }

        // Only an accepted command is recorded: a refused one changed nothing.
        await record();
        var job = await store.GetJobAsync(jobId, cancellationToken) ?? throw new UnknownJobException(jobId);
        return TypedResults.Accepted($"/jobs/{Uri.EscapeDataString(jobId)}", await views.DetailAsync(job, cancellationToken));
    }

    public static ValidationProblem? PageSizeError(int? limit) =>
        limit is null or (>= 1 and <= MaxPageSize)
            ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {MaxPageSize}"] });

    public static ProblemHttpResult UnknownJob(string jobId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown job", detail: $"No job '{jobId}'.");
}
