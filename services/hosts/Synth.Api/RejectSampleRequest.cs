namespace Synth.Api;

/// <summary>A reviewer removes a leased sample from the dataset.</summary>
/// <param name="LeaseToken">The leaseToken of the task from GET /reviews/next.</param>
/// <param name="Reason">Why, recorded on the sample's review.</param>
public sealed record RejectSampleRequest(string? LeaseToken, string? Reason);
