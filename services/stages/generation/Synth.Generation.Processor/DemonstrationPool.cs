using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Datasets;
using Synth.Generation.Demonstrations;

namespace Synth.Generation.Processor;

/// <summary>
/// A job's support set as demonstrations: read once, embedded once with the local sentence model (unless selection is
/// random), and queried per request by the text of its conditions (or, for annotation, of the input being labelled).
/// </summary>
internal sealed class DemonstrationPool
{
    private readonly DemonstrationsSpec _spec;
    private readonly IReadOnlyList<Demonstration> _pool;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private readonly ConcurrentDictionary<string, Task<float[]>> _queries = new(StringComparer.Ordinal);

    private DemonstrationPool(DemonstrationsSpec spec, IReadOnlyList<Demonstration> pool, IEmbeddingGenerator<string, Embedding<float>>? embeddings)
    {
        _spec = spec;
        _pool = pool;
        _embeddings = embeddings;
    }

    public int Count => _pool.Count;

    /// <returns>Null when the job uses no demonstrations.</returns>
    /// <exception cref="DatasetException">The support set cannot be read.</exception>
    public static async Task<DemonstrationPool?> LoadAsync(
        DemonstrationsSpec spec, Func<IEmbeddingGenerator<string, Embedding<float>>> embeddings, CancellationToken cancellationToken)
    {
        if (spec.K <= 0 || spec.SupportSet is null)
        {
            return null;
        }

        var records = DatasetReader.Read(spec.SupportSet);
        if (records.Count == 0)
        {
            throw new DatasetException(spec.SupportSet.Path, null, null, "the support set has no records");
        }

        if (spec.Selection == DemoSelection.Random)
        {
            return new DemonstrationPool(spec, [.. records.Select(r => new Demonstration(r.Id, r.Content, []))], null);
        }

        var generator = embeddings();
        var vectors = await generator.GenerateAsync(records.Select(r => SampleText.Of(r.Content)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var pool = records.Select((r, i) => new Demonstration(r.Id, r.Content, vectors[i].Vector.ToArray())).ToList();
        return new DemonstrationPool(spec, pool, generator);
    }

    /// <summary>The k demos for a request, fitted into the token budget.</summary>
    public async Task<SelectedDemos> SelectAsync(string queryText, int seed, long requestIndex, CancellationToken cancellationToken)
    {
        float[] query = [];
        if (_embeddings is not null)
        {
            query = await _queries.GetOrAdd(queryText, text => EmbedAsync(text, cancellationToken)).ConfigureAwait(false);
        }

        return DemonstrationSelector.Select(_pool, _spec, query, seed, requestIndex);
    }

    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var embedded = await _embeddings!.GenerateAsync([text], cancellationToken: cancellationToken).ConfigureAwait(false);
        return embedded[0].Vector.ToArray();
    }
}
