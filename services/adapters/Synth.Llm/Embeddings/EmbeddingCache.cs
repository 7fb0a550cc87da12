using System.Security.Cryptography;
using System.Text;

namespace Synth.Llm.Embeddings;

/// <summary>
/// Embeddings by the SHA-256 of their text, at most <c>capacity</c> of them; past that the oldest go first. A sample
/// passes every stage of one process within seconds, so first-in-first-out keeps what is still to be asked for.
/// Callers must not change a vector they get.
/// </summary>
public sealed class EmbeddingCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool TryGet(string text, out float[] vector)
    {
        var key = KeyOf(text);
        lock (_gate)
        {
            return _vectors.TryGetValue(key, out vector!);
        }
    }

    public void Add(string text, float[] vector)
    {
        var key = KeyOf(text);
        lock (_gate)
        {
            if (!_vectors.TryAdd(key, vector))
            {
                return;
            }

            _order.Enqueue(key);
            while (_order.Count > capacity)
            {
                _vectors.Remove(_order.Dequeue());
            }
        }
    }

    private static string KeyOf(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
