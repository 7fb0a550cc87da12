using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>In-context demonstrations e_demo drawn from a support set.</summary>
public sealed class DemonstrationsSpec
{
    public DatasetSpec? SupportSet { get; set; }
    /// <summary>Demonstrations per prompt; 0 turns them off.</summary>
    public int K { get; set; } = 4;
    public DemoSelection Selection { get; set; } = DemoSelection.Similarity;
    /// <summary>MMR trade-off: 1 is pure relevance, 0 pure diversity.</summary>
    public double MmrLambda { get; set; } = 0.5;
    /// <summary>Most prompt tokens the demonstrations together may take.</summary>
    public int TokenBudget { get; set; } = 1500;
    public TokenizerName Tokenizer { get; set; } = TokenizerName.O200kBase;
}
