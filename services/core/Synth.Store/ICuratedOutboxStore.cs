using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>
/// The outbox of <c>synth.samples.curated</c> for writers that are not stages (the API's reviews): samples whose
/// <see cref="SampleDocument.PendingCuratedPublish"/> is set, written with the change itself. A drainer publishes what
/// the topic must hold for each, then marks it sent. Implemented by the same store objects as <see cref="ISampleStore"/>.
/// </summary>
public interface ICuratedOutboxStore
{
    /// <summary>Up to <paramref name="limit"/> samples with a pending publish, in id order.</summary>
    Task<IReadOnlyList<SampleDocument>> ReadPendingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Clears the sample's pending publish if it is still <paramref name="token"/> (a later change set a new one, which
    /// stays). The sample's version is not changed: this is bookkeeping, and a stage's compare-and-set must not fail on it.
    /// </summary>
    /// <returns>Whether the entry was cleared.</returns>
    Task<bool> MarkSentAsync(string sampleId, string token, CancellationToken cancellationToken);
}
