namespace Synth.Store;

/// <summary>Lets a job's failed requests be sent again (<c>synth run --retry-failed</c>) without losing their history.</summary>
public interface IFailedRequestStore
{
    /// <summary>
    /// Turns each failed request record of the job into a generator failure document (id
    /// "generator:{request id}:retried-{at}", with the error and raw answer) and removes the record, so the generator
    /// plans the request again. Succeeded requests are untouched.
    /// </summary>
    /// <returns>How many requests were reopened.</returns>
    Task<int> ReopenFailedRequestsAsync(string jobId, DateTimeOffset at, CancellationToken cancellationToken);
}

public static class FailedRequests
{
    public static Contracts.Samples.FailureDocument Archive(Contracts.Samples.RequestRecord request, DateTimeOffset at) => new()
    {
        Id = $"generator:{request.Id}:retried-{at.UtcDateTime:yyyyMMddTHHmmssfffZ}",
        JobId = request.JobId,
        Stage = Contracts.Samples.Stage.Generator,
        Error = $"request {request.Id} failed after {request.Attempts} attempt(s) and was reopened for a retry: {request.Error}"
            + (request.RawResponse is null ? "" : $"\nraw answer: {request.RawResponse}"),
        TraceId = request.TraceId,
        At = at,
    };
}
