using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Api;

/// <summary>The sample browser and one sample's lineage (docs/api.md).</summary>
public static class SampleEndpoints
{
    public static IEndpointRouteBuilder MapSampleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/jobs/{jobId}/samples", BrowseAsync)
            .WithTags("Samples")
            .RequireAuthorization(ApiPolicies.Reviewer)
            .WithName("BrowseSamples")
            .WithSummary("A job's samples in id order, filtered by stage (generator|filter|label-refiner|evaluator), decision (accepted|rejected), label, reject reason and text (q); paged by ?after=&limit=.");
        app.MapGet("/samples/{sampleId}", LineageAsync)
            .WithTags("Samples")
            .RequireAuthorization(ApiPolicies.Reviewer)
            .WithName("GetSample")
            .WithSummary("One sample with its full lineage: prompt, conditions, demonstrations, model, usage, every decision and label change, and its trace.");
        return app;
    }

    private static async Task<Results<Ok<PageResponse<SampleSummary>>, ValidationProblem, ProblemHttpResult>> BrowseAsync(
        string jobId, string? stage, string? decision, string? label, string? reason, string? q, string? after, int? limit,
        [FromServices] ISampleStore store, [FromServices] IBrowseStore browse, CancellationToken cancellationToken)
    {
        (stage, decision) = (Blank(stage), Blank(decision));
        var errors = new Dictionary<string, string[]>();
        var stageValue = Enum.GetValues<Stage>().Cast<Stage?>().FirstOrDefault(s => s!.Value.Name() == stage);
        if (stage is not null && stageValue is null)
        {
            errors["stage"] = [$"'{stage}' is not a stage; one of: {string.Join(", ", Enum.GetValues<Stage>().Select(s => s.Name()))}"];
        }

        SampleDecision? decisionValue = decision switch
        {
            null => null,
            "accepted" => SampleDecision.Accepted,
            "rejected" => SampleDecision.Rejected,
            _ => null,
        };
        if (decision is not null && decisionValue is null)
        {
            errors["decision"] = [$"'{decision}' is not a decision; one of: accepted, rejected"];
        }

        if (JobEndpoints.PageSizeError(limit) is not null)
        {
            errors["limit"] = [$"must be between 1 and {JobEndpoints.MaxPageSize}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await store.GetJobAsync(jobId, cancellationToken) is null)
        {
            return JobEndpoints.UnknownJob(jobId);
        }

        var page = await browse.BrowseSamplesAsync(new SampleBrowseQuery
        {
            JobId = jobId,
            Stage = stageValue,
            Decision = decisionValue,
            Label = Blank(label),
            RejectReason = Blank(reason),
            Text = Blank(q),
            AfterId = Blank(after),
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(new PageResponse<SampleSummary>([.. page.Items.Select(SampleViews.Summary)], page.NextAfterId));
    }

    private static async Task<Results<Ok<SampleLineage>, ProblemHttpResult>> LineageAsync(
        string sampleId, [FromServices] ISampleStore store, [FromServices] IAuditStore audit, [FromServices] IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var sample = await store.GetSampleAsync(sampleId, cancellationToken);
        if (sample is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown sample", detail: $"No sample '{sampleId}'.");
        }

        var request = await store.GetRequestAsync(sample.Provenance.RequestId, cancellationToken);
        return TypedResults.Ok(SampleViews.Lineage(sample, request, await audit.ForSampleAsync(sampleId, cancellationToken), options.Value));
    }

    /// <summary>An empty query parameter (an untouched form field) means no filter.</summary>
    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
