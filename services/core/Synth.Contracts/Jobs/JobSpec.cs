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
    /// <summary>Inline JSON schema of one generated sample; exclusive with <see cref="OutputSchemaFile"/>.</summary>
    public string? OutputSchema { get; set; }
    /// <summary>Path of a JSON schema file; exclusive with <see cref="OutputSchema"/>.</summary>
    public string? OutputSchemaFile { get; set; }
    /// <summary>Path of a JSONL file of facts or entities injected into prompts.</summary>
    public string? DomainKnowledgeFile { get; set; }
}

public sealed class LabelSpec
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
}

/// <summary>Conditional prompting e_condition: the dimensions sampled per request for diversity.</summary>
public sealed class ConditionsSpec
{
    public List<ConditionDimension> Dimensions { get; set; } = [];
    public ConceptTreeSpec? ConceptTree { get; set; }
    public SamplingPolicy Sampling { get; set; } = SamplingPolicy.LeastCovered;
}

/// <summary>One condition key (topic, length, style, …) and the values it takes.</summary>
public sealed class ConditionDimension
{
    public string Name { get; set; } = "";
    /// <summary>A value may be written as a bare string, which means weight 1.</summary>
    public List<ConditionValue> Values { get; set; } = [];
}

public sealed class ConditionValue
{
    public string Value { get; set; } = "";
    /// <summary>Relative share of requests that get this value.</summary>
    public double Weight { get; set; } = 1.0;
}

/// <summary>A tree of topics and sub-topics; one path through it is a condition value per request.</summary>
public sealed class ConceptTreeSpec
{
    /// <summary>The condition key the chosen path is recorded under; must not repeat a dimension's name.</summary>
    public string Dimension { get; set; } = "topic";
    public ConceptTreeSource Source { get; set; } = ConceptTreeSource.Spec;
    /// <summary>The given tree; with <see cref="ConceptTreeSource.Llm"/> these are the seeds it grows from.</summary>
    public List<ConceptNode> Topics { get; set; } = [];
    /// <summary>Deepest level the model may grow the tree to (top-level topics are depth 1).</summary>
    public int MaxDepth { get; set; } = 3;
    /// <summary>Most children the model may give one node.</summary>
    public int MaxBranching { get; set; } = 5;
    /// <summary>With <see cref="ConceptTreeSource.Llm"/>: samples a leaf topic must have before the model is asked for its sub-topics.</summary>
    public int ExpandAfter { get; set; } = 20;
    /// <summary>With <see cref="ConceptTreeSource.Llm"/>: sub-topics asked for per expansion (at most <see cref="MaxBranching"/> are kept).</summary>
    public int ChildrenPerNode { get; set; } = 4;
}

public sealed class ConceptNode
{
    public string Name { get; set; } = "";
    public double Weight { get; set; } = 1.0;
    public List<ConceptNode> Children { get; set; } = [];
}

public enum ConceptTreeSource
{
    /// <summary>The tree is exactly as written in the spec.</summary>
    Spec = 1,
    /// <summary>The model grows the tree as data arrives (dataset-wise decomposition).</summary>
    Llm = 2,
}

public enum SamplingPolicy
{
    /// <summary>Each request gets the least-covered combination so far, weighted: spreads samples evenly.</summary>
    LeastCovered = 1,
    /// <summary>Each dimension drawn independently by weight.</summary>
    Independent = 2,
}

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

/// <summary>A JSONL or CSV file of records, and which of its fields hold which sample field.</summary>
public sealed class DatasetSpec
{
    public string Path { get; set; } = "";
    /// <summary>Inferred from the extension (.jsonl, .csv) when omitted.</summary>
    public DatasetFormat? Format { get; set; }
    /// <summary>Sample field (text, label, question, …) → the file's field or column; unmapped fields use their own name.</summary>
    public Dictionary<string, string> Fields { get; set; } = [];
}

public enum DatasetFormat
{
    Jsonl = 1,
    Csv = 2,
}

public enum DemoSelection
{
    /// <summary>Nearest by embedding to the request's conditions or seed.</summary>
    Similarity = 1,
    /// <summary>Maximal marginal relevance: near, but unlike each other.</summary>
    Mmr = 2,
    Random = 3,
}

public enum TokenizerName
{
    [JsonStringEnumMemberName("o200k_base")]
    O200kBase = 1,
    [JsonStringEnumMemberName("cl100k_base")]
    Cl100kBase = 2,
}

/// <summary>A user prompt template: a file or inline text, in a named template language.</summary>
public sealed class TemplateSpec
{
    public TemplateLanguage Language { get; set; } = TemplateLanguage.Scriban;
    public string? File { get; set; }
    public string? Text { get; set; }
}

public enum TemplateLanguage
{
    Scriban = 1,
    Liquid = 2,
}

/// <summary>How samples are generated: strategy, model connection and sampling (<see cref="ModelCallSpec"/>), throughput and the target.</summary>
public sealed class GenerationSpec : ModelCallSpec
{
    public GenerationStrategy Strategy { get; set; } = GenerationStrategy.SingleStep;
    /// <summary>Samples asked for in one LLM request (n).</summary>
    public int SamplesPerRequest { get; set; } = 1;
    /// <summary>How many samples the job should produce.</summary>
    public int Target { get; set; } = 100;
    /// <summary>Seeds condition sampling and random demo choice, so a rerun plans the same requests.</summary>
    public int Seed { get; set; }
    /// <summary>Most requests in flight (the adaptive limit's ceiling).</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>Requests per minute; unlimited when omitted.</summary>
    public int? RequestsPerMinute { get; set; }
    /// <summary>Prompt plus completion tokens per minute; unlimited when omitted.</summary>
    public int? TokensPerMinute { get; set; }
    /// <summary>Required by, and only allowed with, the annotation strategy.</summary>
    public AnnotationSpec? Annotation { get; set; }
    /// <summary>Only allowed with the dialogue strategy.</summary>
    public DialogueSpec? Dialogue { get; set; }
    /// <summary>Only allowed with the outline-sections strategy.</summary>
    public OutlineSpec? Outline { get; set; }
}

public enum GenerationStrategy
{
    SingleStep = 1,
    /// <summary>The model labels unlabelled inputs from <see cref="AnnotationSpec.Inputs"/>.</summary>
    Annotation = 2,
    /// <summary>Turn by turn, the model alternating user and assistant.</summary>
    Dialogue = 3,
    /// <summary>Rationale first, then the answer conditioned on it.</summary>
    ChainOfThought = 4,
    /// <summary>An outline first, then each section conditioned on it.</summary>
    OutlineSections = 5,
    /// <summary>Conditions re-planned from coverage as the concept tree grows.</summary>
    DatasetDecomposition = 6,
}

public enum LlmProvider
{
    [JsonStringEnumMemberName("azure-openai")]
    AzureOpenAI = 1,
    [JsonStringEnumMemberName("openai-compatible")]
    OpenAICompatible = 2,
    [JsonStringEnumMemberName("llamasharp")]
    LLamaSharp = 3,
}

public sealed class AnnotationSpec
{
    /// <summary>The unlabelled inputs the model annotates, one sample each.</summary>
    public DatasetSpec Inputs { get; set; } = new();
}

public sealed class DialogueSpec
{
    /// <summary>Fewest messages in a conversation (user and assistant alternate, user first).</summary>
    public int MinTurns { get; set; } = 2;
    public int MaxTurns { get; set; } = 6;
}

public sealed class OutlineSpec
{
    public int MinSections { get; set; } = 3;
    public int MaxSections { get; set; } = 6;
}

/// <summary>Hard stops for the whole job, across all generator instances; omitted limits are unlimited.</summary>
public sealed class BudgetSpec
{
    public long? MaxRequests { get; set; }
    /// <summary>Prompt plus completion tokens.</summary>
    public long? MaxTokens { get; set; }
    public decimal? MaxCostUsd { get; set; }
    /// <summary>Model name → price; needed for the job's model when <see cref="MaxCostUsd"/> is set.</summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = [];
}

public sealed class ModelPrice
{
    /// <summary>US dollars per one million prompt tokens.</summary>
    public decimal InputPerMillion { get; set; }
    /// <summary>US dollars per one million completion tokens.</summary>
    public decimal OutputPerMillion { get; set; }
}
