using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

// The job spec as a user writes it (YAML or JSON, camelCase keys, kebab-case enum values; docs/job-spec.md).
// Plain settable properties with defaults: Synth.Jobs binds and validates them, and a section the user omits keeps
// the defaults below. Paths are as written until Synth.Jobs resolves them against the spec's folder.

/// <summary>A job spec: what to generate, how, and how much it may cost. Loaded and validated by Synth.Jobs.</summary>
public sealed class JobSpec
{
    /// <summary>Stable job id; derived from <see cref="Name"/> when omitted, so rerunning a spec resumes its job.</summary>
    public string? Id { get; set; }
    public string Name { get; set; } = "";
    public TaskSpec Task { get; set; } = new();
    public ConditionsSpec Conditions { get; set; } = new();
    public DemonstrationsSpec Demonstrations { get; set; } = new();
    /// <summary>Overrides of the built-in prompt template, keyed by task type; only the job's own task type may appear.</summary>
    public Dictionary<TaskType, TemplateSpec> Templates { get; set; } = [];
    public GenerationSpec Generation { get; set; } = new();
    public BudgetSpec Budget { get; set; } = new();
    /// <summary>The filter and label-refiner stages' settings (docs/curation.md).</summary>
    public CurationSpec Curation { get; set; } = new();
    /// <summary>The evaluator's settings: metrics, judge, indirect evaluation, report and export (docs/evaluation.md).</summary>
    public EvaluationSpec Evaluation { get; set; } = new();
}
