using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>The task specification e_task: what the data is for and what one sample looks like.</summary>
public sealed class TaskSpec
{
    public TaskType Type { get; set; } = TaskType.TextClassification;
    /// <summary>Who the model plays ("suppose you are …").</summary>
    public string? Role { get; set; }
    /// <summary>What the generated data will be used for.</summary>
    public string? Purpose { get; set; }
    /// <summary>What one sample is: its genre, length, language, audience.</summary>
    public string DataDescription { get; set; } = "";
    /// <summary>The label set of a text-classification task, each with the description the model is shown.</summary>
    public List<LabelSpec> Labels { get; set; } = [];
    /// <summary>Class-conditional generation: how requests are spread over <see cref="Labels"/> (<see cref="ClassConditioning"/>).</summary>
    public LabelShares LabelShares { get; set; } = LabelShares.Uniform;
    /// <summary>Whether each label's curated count is capped at its share of the target; null (the default) caps when
    /// <see cref="LabelShares"/> is not off and LLM relabelling is on (labels move after they were asked).</summary>
    public bool? LabelQuota { get; set; }
    /// <summary>Inline JSON schema of one generated sample; exclusive with <see cref="OutputSchemaFile"/>.</summary>
    public string? OutputSchema { get; set; }
    /// <summary>Path of a JSON schema file; exclusive with <see cref="OutputSchema"/>.</summary>
    public string? OutputSchemaFile { get; set; }
    /// <summary>Path of a JSONL file of facts or entities injected into prompts.</summary>
    public string? DomainKnowledgeFile { get; set; }
}
