namespace Synth.Pipeline;

/// <summary>
/// Thrown by a generator when its model endpoint keeps failing (its circuit breaker tripped): the request is not
/// recorded, generation stops, and the control plane pauses the job with <see cref="Exception.Message"/> as the
/// reason; resuming the job sends the unrecorded requests again.
/// </summary>
public sealed class ModelEndpointUnavailableException(string reason) : Exception($"model endpoint unavailable: {reason}");
