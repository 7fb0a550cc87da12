using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>How samples are generated: strategy, model connection and sampling (<see cref="ModelCallSpec"/>), throughput and the target.</summary>
public sealed class GenerationSpec : ModelCallSpec
{
    public GenerationStrategy Strategy { get; set; } = GenerationStrategy.SingleStep;
    /// <summary>Samples asked for in one LLM request (n).</summary>
    public int SamplesPerRequest { get; set; } = 1;
    /// <summary>How many curated samples the job should end with: the generator plans more requests from the running
    /// acceptance rate until the job has them, a budget limit stops it, or <see cref="MaxGenerated"/> is reached.</summary>
    public int Target { get; set; } = 100;
    /// <summary>The most samples the job may generate; five times <see cref="Target"/> when omitted.</summary>
    public int? MaxGenerated { get; set; }
    /// <summary>Seeds condition sampling and random demo choice, so a rerun plans the same requests.</summary>
    public int Seed { get; set; }
    /// <summary>Most requests in flight (the adaptive limit's ceiling).</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>Requests per minute; unlimited when omitted.</summary>
    public int? RequestsPerMinute { get; set; }
    /// <summary>Prompt plus completion tokens per minute; unlimited when omitted.</summary>
    public int? TokensPerMinute { get; set; }
    /// <summary>When the job pauses because its model endpoint keeps failing.</summary>
    public BreakerSpec Breaker { get; set; } = new();
    /// <summary>Required by, and only allowed with, the annotation strategy.</summary>
    public AnnotationSpec? Annotation { get; set; }
    /// <summary>Only allowed with the dialogue strategy.</summary>
    public DialogueSpec? Dialogue { get; set; }
    /// <summary>Only allowed with the outline-sections strategy.</summary>
    public OutlineSpec? Outline { get; set; }
}
