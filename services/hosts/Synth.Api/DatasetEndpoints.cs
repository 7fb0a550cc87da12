using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Synth.Contracts.Audit;

namespace Synth.Api;

/// <summary>Datasets uploaded over the API, so a team needs no access to the server's disk (docs/security.md).</summary>
public static class DatasetEndpoints
{
    public static IEndpointRouteBuilder MapDatasetApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/datasets").WithTags("Datasets");
        datasets.MapPost("/", UploadAsync)
            .Accepts<Stream>("application/x-ndjson", "application/jsonl", "application/json", "text/csv", "text/plain", "application/octet-stream")
            .RequireAuthorization(ApiPolicies.Operator)
            .WithName("UploadDataset")
            .WithSummary("Upload a dataset as the raw body, ?name=[a-z0-9._-]&format=jsonl|csv; stored by its SHA-256 under the job files root. A spec names the returned path. Over Api:MaxDatasetBytes: 413.");
        datasets.MapGet("/", async ([FromServices] DatasetLibrary library, CancellationToken ct) => TypedResults.Ok(await library.LatestAsync(ct)))
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("ListDatasets")
            .WithSummary("The latest version of every dataset: name, sha256, bytes, format, path, who uploaded it and when.");
        datasets.MapGet("/{name}", GetAsync)
            .RequireAuthorization(ApiPolicies.Viewer)
            .WithName("GetDataset")
            .WithSummary("Every version of one dataset, latest first.");
        return app;
    }

    private static async Task<Results<Created<DatasetVersion>, ProblemHttpResult>> UploadAsync(
        string? name, string? format, HttpContext context, ClaimsPrincipal user, [FromServices] DatasetLibrary library, [FromServices] AuditTrail audit,
        [FromServices] IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        if (!DatasetLibrary.IsValidName(name))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid dataset name",
                detail: "?name= is required: 1 to 100 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit.");
        }

        format ??= DatasetLibrary.Formats[0];
        if (!DatasetLibrary.Formats.Contains(format))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid dataset format",
                detail: $"?format= must be one of: {string.Join(", ", DatasetLibrary.Formats)}.");
        }

        // Kestrel's default body limit is for specs and labels; an upload has its own, which the library also counts.
        var maxBytes = options.Value.MaxDatasetBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = maxBytes;
        }

        DatasetVersion? version;
        try
        {
            version = await library.AddAsync(name!, format, context.Request.Body, maxBytes, user.Identity!.Name!, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            version = null;
        }

        if (version is null)
        {
            return TooLarge(maxBytes);
        }

        await audit.RecordDatasetAsync(user, $"{version.Name} {version.Sha256} {version.Bytes} bytes", cancellationToken);
        return TypedResults.Created($"/datasets/{version.Name}", version);
    }

    private static async Task<Results<Ok<IReadOnlyList<DatasetVersion>>, ProblemHttpResult>> GetAsync(
        string name, [FromServices] DatasetLibrary library, CancellationToken cancellationToken) =>
        DatasetLibrary.IsValidName(name) && await library.VersionsAsync(name, cancellationToken) is { Count: > 0 } versions
            ? TypedResults.Ok(versions)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dataset", detail: $"No dataset named '{name}' has been uploaded.");

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Dataset too large",
            detail: $"A dataset may have at most {maxBytes} bytes (Api:MaxDatasetBytes).");
}
