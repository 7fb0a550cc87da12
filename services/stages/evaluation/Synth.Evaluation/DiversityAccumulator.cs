namespace Synth.Evaluation;

/// <summary>
/// Vocabulary size, distinct-n (n ≤ 3), n-gram entropy and the length distribution (in words), kept current one
/// sample at a time. Counts are exact — words get ids and an n-gram is its ids packed into one 64-bit key (21 bits
/// each) — so the figures equal a recomputation over all samples at any moment while staying compact enough for
/// millions of samples. N-grams do not cross sample boundaries.
/// </summary>
public sealed class DiversityAccumulator
{
    public const int LargestN = 3;
    private const int BitsPerWord = 21;
    private const long MaxVocabulary = 1L << BitsPerWord;

    private readonly Dictionary<string, int> _vocabulary = new(StringComparer.Ordinal);
    private readonly Dictionary<long, long>[] _ngrams;
    private readonly long[] _ngramTotals;
    private readonly int[] _edges;
    private readonly long[] _histogram;
    private long _samples;
    private long _tokens;
    private double _mean;
    private double _m2;
    private long _min = long.MaxValue;
    private long _max;

    /// <param name="maxN">Largest n-gram order tracked (distinct-1..maxN).</param>
    /// <param name="lengthEdges">Ascending bucket edges of the length histogram, in words.</param>
    public DiversityAccumulator(int maxN = 3, IReadOnlyList<int>? lengthEdges = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxN, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxN, LargestN);
        _edges = [.. lengthEdges ?? [5, 10, 20, 40, 80, 160, 320]];
        for (var i = 1; i < _edges.Length; i++)
        {
            if (_edges[i] <= _edges[i - 1])
            {
                throw new ArgumentException("Length histogram edges must be strictly ascending.", nameof(lengthEdges));
            }
        }

        _ngrams = [.. Enumerable.Range(0, maxN).Select(_ => new Dictionary<long, long>())];
        _ngramTotals = new long[maxN];
        _histogram = new long[_edges.Length + 1];
    }

    public int MaxN => _ngrams.Length;

    public void Add(string text)
    {
        var tokens = WordTokens.Of(text);
        var ids = new long[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            ids[i] = WordId(tokens[i]);
        }

        _samples++;
        _tokens += ids.Length;
        for (var n = 1; n <= _ngrams.Length; n++)
        {
            var counts = _ngrams[n - 1];
            for (var i = 0; i + n <= ids.Length; i++)
            {
                var key = 0L;
                for (var j = 0; j < n; j++)
                {
                    key = (key << BitsPerWord) | ids[i + j];
                }

                counts[key] = counts.GetValueOrDefault(key) + 1;
                _ngramTotals[n - 1]++;
            }
        }

        AddLength(ids.Length);
    }

    private long WordId(string word)
    {
        if (_vocabulary.TryGetValue(word, out var id))
        {
            return id;
        }

        if (_vocabulary.Count >= MaxVocabulary - 1)
        {
            throw new InvalidOperationException($"The vocabulary outgrew {MaxVocabulary - 1:N0} words, the most a packed n-gram key holds.");
        }

        // Ids start at 1, so a packed key never equals a shorter n-gram's.
        id = _vocabulary.Count + 1;
        _vocabulary[word] = id;
        return id;
    }

    public DiversityMetrics Snapshot()
    {
        var distinct = new double[_ngrams.Length];
        var entropy = new double[_ngrams.Length];
        for (var n = 0; n < _ngrams.Length; n++)
        {
            var total = _ngramTotals[n];
            distinct[n] = total == 0 ? 0 : (double)_ngrams[n].Count / total;
            entropy[n] = total == 0 ? 0 : -_ngrams[n].Values.Sum(c => (double)c / total * Math.Log2((double)c / total));
        }

        var lengths = new LengthStatistics(
            _samples,
            _samples == 0 ? 0 : _mean,
            _samples < 2 ? 0 : Math.Sqrt(_m2 / (_samples - 1)),
            _samples == 0 ? 0 : _min,
            _max,
            _edges,
            [.. _histogram]);
        return new DiversityMetrics(_samples, _tokens, _vocabulary.Count, distinct, entropy, lengths);
    }

    private void AddLength(long length)
    {
        // Welford's update: a numerically stable running mean and variance.
        var delta = length - _mean;
        _mean += delta / _samples;
        _m2 += delta * (length - _mean);
        _min = Math.Min(_min, length);
        _max = Math.Max(_max, length);
        var bucket = 0;
        while (bucket < _edges.Length && length >= _edges[bucket])
        {
            bucket++;
        }

        _histogram[bucket]++;
    }
}
