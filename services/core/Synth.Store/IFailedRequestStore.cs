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
