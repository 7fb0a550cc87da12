using System.Runtime.CompilerServices;
using Synth.Contracts.Samples;

namespace Synth.Store;

public static class SampleStoreExtensions
{
    /// <summary>
    /// Every sample the query matches, in id order, fetched page by page (<see cref="SampleQuery.Limit"/> per page)
    /// so a large job never sits in memory at once.
    /// </summary>
    public static async IAsyncEnumerable<SampleDocument> ReadSamplesAsync(
        this ISampleStore store,
        SampleQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = query;
        while (true)
        {
            var result = await store.QuerySamplesAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var sample in result.Items)
            {
                yield return sample;
            }

            if (result.NextAfterId is null)
            {
                yield break;
            }

            page = page with { AfterId = result.NextAfterId };
        }
    }
}
