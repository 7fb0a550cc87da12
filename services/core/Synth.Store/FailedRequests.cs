namespace Synth.Store;

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
