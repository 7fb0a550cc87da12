namespace Synth.Store;

/// <summary>
/// A control-plane saga as stored: its state machine instance serialized as JSON, with the fields the store
/// queries (state) and the version that makes updates optimistic.
/// </summary>
public sealed record StoredSaga(Guid Id, string JobId, string State, int Version, string Json);
