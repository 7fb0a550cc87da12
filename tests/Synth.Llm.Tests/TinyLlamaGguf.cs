using System.Text;

namespace Synth.Llm.Tests;

/// <summary>
/// Writes a tiny llama-architecture GGUF v3 file with random F32 weights and a SentencePiece-style vocabulary:
/// enough for llama.cpp to load it and run its generation loop. What it generates is noise.
/// </summary>
internal static class TinyLlamaGguf
{
    private const uint Alignment = 32;
    private const int Embedding = 32;
    private const int Heads = 4;
    private const int FeedForward = 64;
    private const int Layers = 1;
    private const int ContextLength = 512;

    private enum ValueType : uint
    {
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        String = 8,
        Array = 9,
    }

    public static void Write(string path, int seed = 1)
    {
        var tokens = Vocabulary();
        var random = new Random(seed);
        var tensors = new List<(string Name, long[] Shape, float[] Data)>
        {
            ("token_embd.weight", [Embedding, tokens.Count], Noise(random, Embedding * tokens.Count)),
            ("output_norm.weight", [Embedding], Ones(Embedding)),
            ("output.weight", [Embedding, tokens.Count], Noise(random, Embedding * tokens.Count)),
        };
        for (var layer = 0; layer < Layers; layer++)
        {
            var block = $"blk.{layer}.";
            tensors.Add((block + "attn_norm.weight", [Embedding], Ones(Embedding)));
            tensors.Add((block + "attn_q.weight", [Embedding, Embedding], Noise(random, Embedding * Embedding)));
            tensors.Add((block + "attn_k.weight", [Embedding, Embedding], Noise(random, Embedding * Embedding)));
            tensors.Add((block + "attn_v.weight", [Embedding, Embedding], Noise(random, Embedding * Embedding)));
            tensors.Add((block + "attn_output.weight", [Embedding, Embedding], Noise(random, Embedding * Embedding)));
            tensors.Add((block + "ffn_norm.weight", [Embedding], Ones(Embedding)));
            tensors.Add((block + "ffn_gate.weight", [Embedding, FeedForward], Noise(random, Embedding * FeedForward)));
            tensors.Add((block + "ffn_up.weight", [Embedding, FeedForward], Noise(random, Embedding * FeedForward)));
            tensors.Add((block + "ffn_down.weight", [FeedForward, Embedding], Noise(random, FeedForward * Embedding)));
        }

        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write((ulong)tensors.Count);

        var metadata = new List<Action>
        {
            () => WriteString(writer, "general.architecture", "llama"),
            () => WriteString(writer, "general.name", "synth-tiny-random"),
            () => WriteUInt32(writer, "general.alignment", Alignment),
            () => WriteUInt32(writer, "llama.context_length", ContextLength),
            () => WriteUInt32(writer, "llama.embedding_length", Embedding),
            () => WriteUInt32(writer, "llama.block_count", Layers),
            () => WriteUInt32(writer, "llama.feed_forward_length", FeedForward),
            () => WriteUInt32(writer, "llama.rope.dimension_count", Embedding / Heads),
            () => WriteUInt32(writer, "llama.attention.head_count", Heads),
            () => WriteUInt32(writer, "llama.attention.head_count_kv", Heads),
            () => WriteFloat32(writer, "llama.attention.layer_norm_rms_epsilon", 1e-5f),
            () => WriteUInt32(writer, "llama.vocab_size", (uint)tokens.Count),
            () => WriteString(writer, "tokenizer.ggml.model", "llama"),
            () => WriteStringArray(writer, "tokenizer.ggml.tokens", tokens.Select(t => t.Text).ToList()),
            () => WriteFloat32Array(writer, "tokenizer.ggml.scores", tokens.Select(t => t.Score).ToList()),
            () => WriteInt32Array(writer, "tokenizer.ggml.token_type", tokens.Select(t => t.Type).ToList()),
            () => WriteUInt32(writer, "tokenizer.ggml.unknown_token_id", 0),
            () => WriteUInt32(writer, "tokenizer.ggml.bos_token_id", 1),
            () => WriteUInt32(writer, "tokenizer.ggml.eos_token_id", 2),
            // A ChatML template, which llama.cpp recognises by its markers.
            () => WriteString(writer, "tokenizer.chat_template",
                "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"),
        };
        writer.Write((ulong)metadata.Count);
        foreach (var entry in metadata)
            entry();

        ulong offset = 0;
        foreach (var (name, shape, data) in tensors)
        {
            WriteRawString(writer, name);
            writer.Write((uint)shape.Length);
            foreach (var dimension in shape)
                writer.Write((ulong)dimension);
            writer.Write(0u); // GGML_TYPE_F32
            writer.Write(offset);
            offset = Align((ulong)data.Length * sizeof(float) + offset);
        }

        Pad(writer);
        foreach (var (_, _, data) in tensors)
        {
            foreach (var value in data)
                writer.Write(value);
            Pad(writer);
        }
    }

    // <unk>, <s>, </s>, the 256 byte-fallback tokens SentencePiece tokenisation needs, then some word pieces.
    private static List<(string Text, float Score, int Type)> Vocabulary()
    {
        var tokens = new List<(string, float, int)> { ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3) };
        for (var b = 0; b < 256; b++)
            tokens.Add(($"<0x{b:X2}>", 0, 6));
        var pieces = new[] { "\u2581", "\u2581the", "\u2581a", "\u2581review", "\u2581good", "\u2581bad", "e", "t", "a", "o", "n", "s", "r", "i" };
        for (var i = 0; i < pieces.Length; i++)
            tokens.Add((pieces[i], -1 - i, 1));
        return tokens;
    }

    private static float[] Noise(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
        return values;
    }

    private static float[] Ones(int count) => Enumerable.Repeat(1f, count).ToArray();

    private static ulong Align(ulong value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter writer)
    {
        writer.Flush();
        var position = (ulong)writer.BaseStream.Position;
        for (var i = position; i < Align(position); i++)
            writer.Write((byte)0);
    }

    private static void WriteRawString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteKey(BinaryWriter writer, string key, ValueType type)
    {
        WriteRawString(writer, key);
        writer.Write((uint)type);
    }

    private static void WriteString(BinaryWriter writer, string key, string value)
    {
        WriteKey(writer, key, ValueType.String);
        WriteRawString(writer, value);
    }

    private static void WriteUInt32(BinaryWriter writer, string key, uint value)
    {
        WriteKey(writer, key, ValueType.UInt32);
        writer.Write(value);
    }

    private static void WriteFloat32(BinaryWriter writer, string key, float value)
    {
        WriteKey(writer, key, ValueType.Float32);
        writer.Write(value);
    }

    private static void WriteStringArray(BinaryWriter writer, string key, List<string> values)
    {
        WriteKey(writer, key, ValueType.Array);
        writer.Write((uint)ValueType.String);
        writer.Write((ulong)values.Count);
        foreach (var value in values)
            WriteRawString(writer, value);
    }

    private static void WriteFloat32Array(BinaryWriter writer, string key, List<float> values)
    {
        WriteKey(writer, key, ValueType.Array);
        writer.Write((uint)ValueType.Float32);
        writer.Write((ulong)values.Count);
        foreach (var value in values)
            writer.Write(value);
    }

    private static void WriteInt32Array(BinaryWriter writer, string key, List<int> values)
    {
        WriteKey(writer, key, ValueType.Array);
        writer.Write((uint)ValueType.Int32);
        writer.Write((ulong)values.Count);
        foreach (var value in values)
            writer.Write(value);
    }
}
