using System.Collections.Concurrent;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Pipeline.Tests;

/// <summary>
/// A store whose first batch of request writes waits for <see cref="Release"/>, and which records how many requests
/// each batch held: what arrives meanwhile must form the next batch.
/// </summary>
/// <remarks>It implements <see cref="ISampleStore"/> again so that its batch write replaces the interface's default.</remarks>
public sealed class HeldRequestWritesStore(ISampleStore inner) : ForwardingSampleStore(inner), ISampleStore
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<int> _batchSizes = new();

    public IReadOnlyList<int> BatchSizes => [.. _batchSizes];

    public void Release() => _released.TrySetResult();

    public async Task SaveRequestsAsync(IReadOnlyList<RequestWrite> requests, CancellationToken cancellationToken)
    {
        _batchSizes.Enqueue(requests.Count);
        await _released.Task.WaitAsync(cancellationToken);
        await Inner.SaveRequestsAsync(requests, cancellationToken);
    }

    public override Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken) =>
        SaveRequestsAsync([new RequestWrite(request, samples)], cancellationToken);
}
