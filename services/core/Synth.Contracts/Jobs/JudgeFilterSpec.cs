namespace Synth.Contracts.Jobs;

/// <summary>An LLM judge of faithfulness, consistency and grammar, on the job's generation connection unless overridden.</summary>
public sealed class JudgeFilterSpec
{
    public bool Enabled { get; set; }
    public double MinScore { get; set; } = 0.6;
    public List<string> Criteria { get; set; } = ["faithfulness", "consistency", "grammar"];
    /// <summary>Most judge requests for the whole job; after that samples are passed unjudged with a recorded reason.</summary>
    public long MaxRequests { get; set; } = 1000;
    /// <summary>The judge's own model connection and sampling; the job's generation section when omitted.</summary>
    public ModelCallSpec? Connection { get; set; }
}
