namespace Synth.Delivery.Processor;

/// <summary>
/// The stored manifest is not the one a replacement was built on: another sink instance wrote the partition's
/// manifest meanwhile (it took the partition over in a rebalance). The replacement is not written.
/// </summary>
public sealed class ManifestConflictException(string message) : Exception(message);
