namespace Synth.Contracts.Samples;

public sealed class TokenUsage
{
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public long TotalTokens => PromptTokens + CompletionTokens;
}
