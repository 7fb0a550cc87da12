using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs;

/// <summary>
/// Turns a bound spec into the one every stage reads, before validation so that validation only reads: relative
/// file paths resolved against the spec's folder, a dataset's format filled in from its extension, and the settings
/// of the dialogue and outline strategies filled with their defaults. Reports nothing: a field it cannot work on
/// (blank, or for another provider or benchmark) is left as written for the validator to judge.
/// </summary>
internal sealed class JobSpecNormaliser
{
    private readonly string baseDirectory;
    private readonly Dictionary<string, string> writtenPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> resolvedPaths = new(StringComparer.Ordinal);

    private JobSpecNormaliser(string baseDirectory) => this.baseDirectory = baseDirectory;

    /// <param name="baseDirectory">An absolute folder: what relative paths are resolved against.</param>
    /// <param name="resolvedPaths">Each resolved file or folder, by its field path: what a confined spec must keep under its root.</param>
    /// <returns>Each resolved file's value as written, by its field path: a missing file is reported as the user wrote it.</returns>
    public static IReadOnlyDictionary<string, string> Normalise(JobSpec spec, string baseDirectory, out IReadOnlyDictionary<string, string> resolvedPaths)
    {
        var normaliser = new JobSpecNormaliser(baseDirectory);
        normaliser.NormaliseTask(spec.Task);
        normaliser.NormaliseTemplates(spec.Templates);
        if (spec.Demonstrations.SupportSet is { } supportSet)
        {
            normaliser.NormaliseDataset("demonstrations.supportSet", supportSet);
        }

        normaliser.NormaliseGeneration(spec.Generation);
        if (spec.Curation.Filter.Judge.Connection is { Provider: LlmProvider.LLamaSharp or LlmProvider.Auto } judge)
        {
            judge.ModelPath = normaliser.ResolveIfWritten("curation.filter.judge.connection.modelPath", judge.ModelPath);
        }

        if (spec.Curation.LabelRefinement.LlmRelabel.Model is { Provider: LlmProvider.LLamaSharp or LlmProvider.Auto } relabel)
        {
            relabel.ModelPath = normaliser.ResolveIfWritten("curation.labelRefinement.llmRelabel.model.modelPath", relabel.ModelPath);
        }

        if (spec.Evaluation.Indirect is { } indirect)
        {
            normaliser.NormaliseIndirect(indirect);
        }

        resolvedPaths = normaliser.resolvedPaths;
        return normaliser.writtenPaths;
    }

    /// <summary>
    /// A generation section that names no provider and no endpoint, deployment or model file is <c>provider: auto</c>:
    /// a job uses the local model unless it names an endpoint. One that names an endpoint keeps the openai-compatible
    /// default, and the judge's and relabeller's connections, written only to reach another endpoint, keep it too.
    /// </summary>
    public static void DefaultUnconfiguredToAuto(BoundSpec bound)
    {
        var generation = bound.Spec.Generation;
        if (!bound.Positions.Has("generation.provider") && generation is { BaseUrl: null, Deployment: null, ModelPath: null })
        {
            generation.Provider = LlmProvider.Auto;
        }
    }

    private void NormaliseTask(TaskSpec task)
    {
        if (task.OutputSchemaFile is not null)
        {
            task.OutputSchemaFile = Resolve("task.outputSchemaFile", task.OutputSchemaFile);
        }

        if (task.DomainKnowledgeFile is not null)
        {
            task.DomainKnowledgeFile = Resolve("task.domainKnowledgeFile", task.DomainKnowledgeFile);
        }
    }

    private void NormaliseTemplates(Dictionary<TaskType, TemplateSpec> templates)
    {
        foreach (var (taskType, template) in templates)
        {
            // A template with both file and text is rejected by validation; its file is left as written.
            if (template is { File: { } file, Text: null })
            {
                template.File = Resolve($"templates.{SpecBinder.EnumName(taskType)}.file", file);
            }
        }
    }

    private void NormaliseGeneration(GenerationSpec generation)
    {
        if (generation.Provider is LlmProvider.LLamaSharp or LlmProvider.Auto)
        {
            generation.ModelPath = ResolveIfWritten("generation.modelPath", generation.ModelPath);
        }

        if (generation.Annotation is { } annotation)
        {
            NormaliseDataset("generation.annotation.inputs", annotation.Inputs);
        }

        // Consumers read a strategy's settings without re-implementing its defaults.
        if (generation.Strategy == GenerationStrategy.Dialogue)
        {
            generation.Dialogue ??= new DialogueSpec();
        }
        else if (generation.Strategy == GenerationStrategy.OutlineSections)
        {
            generation.Outline ??= new OutlineSpec();
        }
    }

    private void NormaliseDataset(string path, DatasetSpec dataset)
    {
        if (string.IsNullOrWhiteSpace(dataset.Path))
        {
            return;
        }

        dataset.Path = Resolve($"{path}.path", dataset.Path);
        dataset.Format ??= Path.GetExtension(dataset.Path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => DatasetFormat.Jsonl,
            ".csv" => DatasetFormat.Csv,
            _ => null,
        };
    }

    private void NormaliseIndirect(IndirectSpec indirect)
    {
        if (indirect.Benchmark == BenchmarkKind.File)
        {
            indirect.File = ResolveIfWritten("evaluation.indirect.file", indirect.File);
        }
        else
        {
            // A folder, checked when the report runs: a missing data set then says how to fetch it.
            indirect.DataFolder = Path.GetFullPath(Path.Combine(baseDirectory, indirect.DataFolder));
            resolvedPaths["evaluation.indirect.dataFolder"] = indirect.DataFolder;
        }
    }

    private string? ResolveIfWritten(string path, string? value) =>
        string.IsNullOrWhiteSpace(value) ? value : Resolve(path, value);

    private string Resolve(string path, string value)
    {
        writtenPaths[path] = value;
        return resolvedPaths[path] = Path.GetFullPath(Path.Combine(baseDirectory, value));
    }
}
