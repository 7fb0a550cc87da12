using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>A job spec as written in YAML (docs/job-spec.md). Loaded and validated by Synth.Jobs.</summary>
public sealed class JobSpec
{
    /// <summary>Stable job id; derived from <see cref="Name"/> when omitted, so rerunning a spec resumes its job.</summary>
    public string? Id { get; set; }
    public string Name { get; set; } = "";
    public TaskSpec Task { get; set; } = new();
    public GenerationSpec Generation { get; set; } = new();
}

public sealed class TaskSpec
{
    public TaskType Type { get; set; } = TaskType.TextClassification;
}

public sealed class GenerationSpec
{
    /// <summary>How many samples the job should produce.</summary>
    public int Target { get; set; } = 100;
    /// <summary>Samples asked for in one LLM request (n).</summary>
    public int SamplesPerRequest { get; set; } = 1;
}
