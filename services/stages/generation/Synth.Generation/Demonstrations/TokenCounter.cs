using Microsoft.ML.Tokenizers;
using Synth.Contracts.Jobs;

namespace Synth.Generation.Demonstrations;

/// <summary>Counts tokens with the real tiktoken encoding the spec names; the encodings ship in NuGet packages, so this works offline.</summary>
public sealed class TokenCounter
{
    // Loading an encoding parses a multi-megabyte vocabulary: once per process is enough.
    private static readonly Lazy<TokenCounter> O200k = new(() => new TokenCounter(TokenizerName.O200kBase, "o200k_base"));
    private static readonly Lazy<TokenCounter> Cl100k = new(() => new TokenCounter(TokenizerName.Cl100kBase, "cl100k_base"));

    private readonly Tokenizer _tokenizer;

    private TokenCounter(TokenizerName name, string encoding)
    {
        Name = name;
        _tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
    }

    public TokenizerName Name { get; }

    public static TokenCounter For(TokenizerName name) => name switch
    {
        TokenizerName.O200kBase => O200k.Value,
        TokenizerName.Cl100kBase => Cl100k.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown tokenizer"),
    };

    public int Count(string text) => _tokenizer.CountTokens(text);
}
