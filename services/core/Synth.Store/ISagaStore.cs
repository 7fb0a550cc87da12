namespace Synth.Store;

/// <summary>
/// Persistence of the control plane's job sagas, so a restarted control-plane host carries on every job where it
/// was. Writes are optimistic: an update names the version it read and fails if another writer moved it.
/// </summary>
public interface ISagaStore
{
    Task<StoredSaga?> GetSagaAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Stores a new saga; false when one with this id exists already.</summary>
    Task<bool> InsertSagaAsync(StoredSaga saga, CancellationToken cancellationToken);

    /// <summary>Replaces the saga when its stored version is still <paramref name="expectedVersion"/>; false otherwise.</summary>
    Task<bool> UpdateSagaAsync(StoredSaga saga, int expectedVersion, CancellationToken cancellationToken);

    Task DeleteSagaAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Sagas in any of the given states, in id order (the control plane resumes them at start).</summary>
    Task<IReadOnlyList<StoredSaga>> ListSagasAsync(IReadOnlyCollection<string> states, CancellationToken cancellationToken);
}
