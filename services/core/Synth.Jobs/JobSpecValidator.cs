using System.Text.Json;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs;

/// <summary>
/// The rules a bound, normalised spec must meet, checked all at once so a user fixes every problem in one pass.
/// Only reads the spec: resolving paths and filling values is <see cref="JobSpecNormaliser"/>'s, which runs first.
/// </summary>
internal sealed partial class JobSpecValidator
{
    /// <summary>Which task types each strategy can produce.</summary>
    internal static readonly Dictionary<GenerationStrategy, TaskType[]> StrategyFits = new()
    {
        [GenerationStrategy.SingleStep] = Enum.GetValues<TaskType>(),
        [GenerationStrategy.Annotation] =
            [TaskType.TextClassification, TaskType.InstructionResponse, TaskType.QuestionAnswering, TaskType.Reasoning],
        [GenerationStrategy.Dialogue] = [TaskType.Dialogue],
        [GenerationStrategy.ChainOfThought] = [TaskType.Reasoning, TaskType.QuestionAnswering],
        [GenerationStrategy.OutlineSections] = [TaskType.InstructionResponse],
        [GenerationStrategy.DatasetDecomposition] = Enum.GetValues<TaskType>(),
    };

    private readonly JobSpec spec;
    private readonly SpecPositions positions;
    private readonly string sourceName;
    private readonly IReadOnlyDictionary<string, string> writtenPaths;
    private readonly bool requireFiles;
    private readonly List<JobSpecError> errors = [];

    private JobSpecValidator(BoundSpec bound, string sourceName, IReadOnlyDictionary<string, string> writtenPaths, bool requireFiles)
    {
        spec = bound.Spec;
        positions = bound.Positions;
        this.sourceName = sourceName;
        this.writtenPaths = writtenPaths;
        this.requireFiles = requireFiles;
    }

    /// <param name="writtenPaths">From <see cref="JobSpecNormaliser.Normalise"/>: each resolved file's value as written.</param>
    /// <param name="requireFiles">False skips the checks that the files exist.</param>
    /// <returns>Every problem, in the order they appear in the text.</returns>
    public static IReadOnlyList<JobSpecError> Validate(BoundSpec bound, string sourceName, IReadOnlyDictionary<string, string> writtenPaths, bool requireFiles)
    {
        var validator = new JobSpecValidator(bound, sourceName, writtenPaths, requireFiles);
        validator.CheckIdentity();
        validator.CheckTask();
        validator.CheckConditions();
        validator.CheckDemonstrations();
        validator.CheckTemplates();
        validator.CheckGeneration();
        validator.CheckBudget();
        validator.CheckFilter();
        validator.CheckLabelRefinement();
        validator.CheckEvaluation();
        foreach (var path in bound.LiteralKeyPaths.Where(p => p != "generation.apiKeyEnv"))
        {
            validator.Add(path, "looks like a literal API key (value not shown); keep keys in an environment variable and name it in generation.apiKeyEnv");
        }

        return [.. validator.errors.OrderBy(e => e.Line ?? long.MaxValue).ThenBy(e => e.Column ?? 0)];
    }

    private bool TaskTypeWritten => positions.Has("task.type");

    private void CheckIdentity()
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            Add("name", "required: a short name for the job (its id is derived from it unless 'id' is set)");
        }
        else if (spec.Id is null && JobIds.Slug(spec.Name).Length == 0)
        {
            Add("name", "has no ASCII letter or digit to derive a job id from; set 'id'");
        }

        if (spec.Id is not null && !SampleIds.IsValidJobId(spec.Id))
        {
            Add("id", $"{Show(spec.Id)} is not a job id: use 1-64 lowercase letters, digits and dashes, starting with a letter or digit");
        }
    }

    private void CheckTask()
    {
        var task = spec.Task;
        Required("task.dataDescription", task.DataDescription, "what one sample is (genre, length, language, audience)");
        if (!TaskTypeWritten)
        {
            // Rules that depend on the type would only echo a guess; the missing type is the one error.
            Add("task.type", "required: one of " + string.Join(", ", SpecBinder.EnumNames(typeof(TaskType)).Keys));
        }
        else if (task.Type == TaskType.TextClassification)
        {
            if (task.Labels.Count < 2)
            {
                Add("task.labels", "a text-classification task needs at least two labels, each with a name and a description");
            }

            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < task.Labels.Count; i++)
            {
                var label = task.Labels[i];
                var path = $"task.labels[{i}]";
                if (Required($"{path}.name", label.Name, "the label as it appears in the data")
                    && !seen.TryAdd(label.Name, i))
                {
                    Add($"{path}.name", $"duplicate label '{label.Name}' (also task.labels[{seen[label.Name]}])");
                }

                Required($"{path}.description", label.Description, "what the label means, shown to the model");
                if (task.LabelShares == LabelShares.Weights && label.Share is not > 0)
                {
                    Add($"{path}.share", "labelShares is weights: every label needs a share greater than 0");
                }
                else if (task.LabelShares != LabelShares.Weights && label.Share is not null)
                {
                    Add($"{path}.share", $"a share applies only with task.labelShares: weights (it is {SpecBinder.EnumName(task.LabelShares)})");
                }
            }

            if (task.LabelQuota == true && !ClassConditioning.Applies(spec))
            {
                Add("task.labelQuota", "a label quota needs class-conditional shares (task.labelShares: uniform or weights, not annotation)");
            }

            if (ClassConditioning.Applies(spec)
                && spec.Conditions.Dimensions.FindIndex(d => string.Equals(d.Name, ClassConditioning.Dimension, StringComparison.Ordinal)) is var clash and >= 0)
            {
                Add($"conditions.dimensions[{clash}].name", $"'{ClassConditioning.Dimension}' is the class-conditional dimension of a classification job; rename it, or set task.labelShares: off");
            }
        }
        else if (task.Labels.Count > 0)
        {
            Add("task.labels", $"labels apply to text-classification only; this task is {SpecBinder.EnumName(task.Type)}");
        }

        if (task.OutputSchema is not null && task.OutputSchemaFile is not null)
        {
            Add("task.outputSchemaFile", "give outputSchema (inline) or outputSchemaFile, not both");
        }

        if (task.OutputSchema is not null)
        {
            CheckJsonSchema("task.outputSchema", task.OutputSchema);
        }

        if (task.OutputSchemaFile is { } schemaFile && FileFound("task.outputSchemaFile", schemaFile) && File.Exists(schemaFile))
        {
            CheckJsonSchema("task.outputSchemaFile", File.ReadAllText(schemaFile));
        }

        if (task.DomainKnowledgeFile is not null)
        {
            FileFound("task.domainKnowledgeFile", task.DomainKnowledgeFile);
        }
    }

    private void CheckConditions()
    {
        var conditions = spec.Conditions;
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < conditions.Dimensions.Count; i++)
        {
            var dimension = conditions.Dimensions[i];
            var path = $"conditions.dimensions[{i}]";
            if (Required($"{path}.name", dimension.Name, "the condition key, e.g. topic, length or style")
                && !names.TryAdd(dimension.Name, i))
            {
                Add($"{path}.name", $"duplicate dimension '{dimension.Name}' (also conditions.dimensions[{names[dimension.Name]}])");
            }

            if (dimension.Values.Count == 0)
            {
                Add($"{path}.values", "a dimension needs at least one value");
            }

            var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < dimension.Values.Count; j++)
            {
                var value = dimension.Values[j];
                var valuePath = $"{path}.values[{j}]";
                if (Required($"{valuePath}.value", value.Value, "the condition value") && !values.Add(value.Value))
                {
                    Add(valuePath, $"duplicate value '{value.Value}'");
                }

                Positive($"{valuePath}.weight", value.Weight);
            }
        }

        if (conditions.ConceptTree is { } tree)
        {
            CheckConceptTree(tree, names);
        }
        else if (spec.Generation.Strategy == GenerationStrategy.DatasetDecomposition)
        {
            Add("generation.strategy", "dataset-decomposition grows a concept tree: add conditions.conceptTree with source: llm");
        }
    }

    private void CheckConceptTree(ConceptTreeSpec tree, Dictionary<string, int> dimensionNames)
    {
        const string path = "conditions.conceptTree";
        if (Required($"{path}.dimension", tree.Dimension, "the condition key the chosen topic path is recorded under")
            && dimensionNames.ContainsKey(tree.Dimension))
        {
            Add($"{path}.dimension", $"'{tree.Dimension}' is also the name of a dimension; give the tree's condition another name");
        }

        InRange($"{path}.maxDepth", tree.MaxDepth, 1, 10);
        InRange($"{path}.maxBranching", tree.MaxBranching, 1, 100);
        var grows = tree.Source == ConceptTreeSource.Llm;
        if (!grows && tree.Topics.Count == 0)
        {
            Add($"{path}.topics", "a concept tree from the spec needs topics (or source: llm to have the model grow it)");
        }

        if (grows != (spec.Generation.Strategy == GenerationStrategy.DatasetDecomposition))
        {
            Add(grows ? $"{path}.source" : "generation.strategy",
                "a tree grown by the model (source: llm) and the dataset-decomposition strategy go together");
        }

        CheckConceptNodes($"{path}.topics", tree.Topics, depth: 1, tree, grows);
        CheckConceptGrowth(path, tree, grows);
    }

    private void CheckConceptNodes(string path, List<ConceptNode> nodes, int depth, ConceptTreeSpec tree, bool grows)
    {
        // A grown tree's limits bind the seeds too, so the model is never asked to grow past a limit already broken.
        if (grows && depth > tree.MaxDepth && nodes.Count > 0)
        {
            Add(path, $"deeper than maxDepth ({tree.MaxDepth})");
        }

        if (grows && nodes.Count > tree.MaxBranching)
        {
            Add(path, $"{nodes.Count} topics here, more than maxBranching ({tree.MaxBranching})");
        }

        var siblings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var nodePath = $"{path}[{i}]";
            if (Required($"{nodePath}.name", node.Name, "the topic") && !siblings.Add(node.Name))
            {
                Add(nodePath, $"duplicate topic '{node.Name}' under the same parent");
            }

            Positive($"{nodePath}.weight", node.Weight);
            CheckConceptNodes($"{nodePath}.children", node.Children, depth + 1, tree, grows);
        }
    }

    private void CheckDemonstrations()
    {
        const string path = "demonstrations";
        var demos = spec.Demonstrations;
        if (demos.SupportSet is { } supportSet)
        {
            CheckDataset($"{path}.supportSet", supportSet);
        }
        else if (positions.Has($"{path}.k") && demos.K > 0)
        {
            Add($"{path}.supportSet", "required when k > 0: the JSONL or CSV file demonstrations are drawn from");
        }

        AtLeast($"{path}.k", demos.K, 0);
        InRange($"{path}.mmrLambda", demos.MmrLambda, 0, 1);
        if (positions.Has($"{path}.mmrLambda") && demos.Selection != DemoSelection.Mmr)
        {
            Add($"{path}.mmrLambda", "only used with selection: mmr");
        }

        AtLeast($"{path}.tokenBudget", demos.TokenBudget, 1);
    }

    private void CheckTemplates()
    {
        foreach (var (taskType, template) in spec.Templates)
        {
            var path = $"templates.{SpecBinder.EnumName(taskType)}";
            if (TaskTypeWritten && taskType != spec.Task.Type)
            {
                Add(path, $"this job's task type is {SpecBinder.EnumName(spec.Task.Type)}, so this override would never be used");
            }

            if ((template.File is null) == (template.Text is null))
            {
                Add(path, "give exactly one of file or text");
            }
            else if (template.File is not null)
            {
                FileFound($"{path}.file", template.File);
            }
            else
            {
                Required($"{path}.text", template.Text, "the template");
            }
        }
    }

    private void CheckGeneration()
    {
        const string path = "generation";
        var generation = spec.Generation;
        var fits = StrategyFits[generation.Strategy];
        if (TaskTypeWritten && !fits.Contains(spec.Task.Type))
        {
            Add($"{path}.strategy", $"{SpecBinder.EnumName(generation.Strategy)} does not produce {SpecBinder.EnumName(spec.Task.Type)} samples; it fits: "
                + string.Join(", ", fits.Select(SpecBinder.EnumName)));
        }

        CheckProvider(generation);
        InRange($"{path}.temperature", generation.Temperature, 0, 2);
        if (generation.TopP is <= 0 or > 1)
        {
            Add($"{path}.topP", $"must be greater than 0 and at most 1, got {generation.TopP}");
        }

        AtLeast($"{path}.maxOutputTokens", generation.MaxOutputTokens, 1);
        InRange($"{path}.samplesPerRequest", generation.SamplesPerRequest, 1, 128);
        AtLeast($"{path}.target", generation.Target, 1);
        if (generation.MaxGenerated is { } maxGenerated && maxGenerated < generation.Target)
        {
            Add($"{path}.maxGenerated", $"must be at least the target ({generation.Target}), got {maxGenerated}");
        }

        InRange($"{path}.concurrency", generation.Concurrency, 1, 1024);
        AtLeast($"{path}.requestsPerMinute", generation.RequestsPerMinute, 1);
        AtLeast($"{path}.tokensPerMinute", generation.TokensPerMinute, 1);
        Positive($"{path}.timeoutSeconds", generation.TimeoutSeconds);
        InRange($"{path}.maxRetries", generation.MaxRetries, 0, 100);
        Positive($"{path}.breaker.maxSecondsWithoutSuccess", generation.Breaker.MaxSecondsWithoutSuccess);
        if (generation.Breaker.FailureRatio is <= 0 or > 1)
        {
            Add($"{path}.breaker.failureRatio", $"must be greater than 0 and at most 1, got {generation.Breaker.FailureRatio}");
        }

        Positive($"{path}.breaker.windowSeconds", generation.Breaker.WindowSeconds);
        AtLeast($"{path}.breaker.minimumCalls", generation.Breaker.MinimumCalls, 1);

        if (generation.Annotation is { } annotation)
        {
            OnlyWith($"{path}.annotation", GenerationStrategy.Annotation);
            CheckDataset($"{path}.annotation.inputs", annotation.Inputs);
        }
        else if (generation.Strategy == GenerationStrategy.Annotation)
        {
            Add($"{path}.annotation", "required by strategy: annotation: the inputs the model labels (annotation: { inputs: { path: … } })");
        }

        if (generation.Dialogue is { } dialogue)
        {
            OnlyWith($"{path}.dialogue", GenerationStrategy.Dialogue);
            AtLeast($"{path}.dialogue.minTurns", dialogue.MinTurns, 2);
            InRange($"{path}.dialogue.maxTurns", dialogue.MaxTurns, Math.Max(2, dialogue.MinTurns), 100);
        }

        if (generation.Outline is { } outline)
        {
            OnlyWith($"{path}.outline", GenerationStrategy.OutlineSections);
            AtLeast($"{path}.outline.minSections", outline.MinSections, 1);
            InRange($"{path}.outline.maxSections", outline.MaxSections, Math.Max(1, outline.MinSections), 50);
        }
    }

    private void CheckProvider(GenerationSpec generation)
    {
        const string path = "generation";
        var provider = SpecBinder.EnumName(generation.Provider);
        switch (generation.Provider)
        {
            case LlmProvider.OpenAICompatible:
                Required($"{path}.baseUrl", generation.BaseUrl, $"the endpoint's base URL for {provider}");
                Required($"{path}.model", generation.Model, $"the model name the {provider} endpoint serves");
                NotUsed($"{path}.deployment", generation.Deployment, provider);
                NotUsed($"{path}.modelPath", generation.ModelPath, provider);
                break;
            case LlmProvider.AzureOpenAI:
                Required($"{path}.baseUrl", generation.BaseUrl, "the Azure OpenAI resource endpoint");
                Required($"{path}.deployment", generation.Deployment, "the Azure OpenAI deployment name");
                NotUsed($"{path}.modelPath", generation.ModelPath, provider);
                break;
            case LlmProvider.LLamaSharp:
                if (Required($"{path}.modelPath", generation.ModelPath, "the GGUF model file"))
                {
                    FileFound($"{path}.modelPath", generation.ModelPath!);
                }

                NotUsed($"{path}.baseUrl", generation.BaseUrl, provider);
                NotUsed($"{path}.apiKeyEnv", generation.ApiKeyEnv, provider);
                NotUsed($"{path}.apiKeyFile", generation.ApiKeyFile, provider);
                NotUsed($"{path}.deployment", generation.Deployment, provider);
                break;
            case LlmProvider.Auto:
                CheckAuto(path, generation);
                break;
        }

        if (generation.BaseUrl is { } baseUrl
            && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            Add($"{path}.baseUrl", $"must be an absolute http or https URL, got {Show(baseUrl)}");
        }

        OneKeySource(path, generation);
        // Never echo this value: a user who got it wrong has most likely pasted the key itself.
        if (generation.ApiKeyEnv is { } apiKeyEnv)
        {
            if (Secrets.LooksLikeKeyRatherThanName(apiKeyEnv))
            {
                Add($"{path}.apiKeyEnv", "looks like a literal API key (value not shown); put the key in an environment variable and write that variable's name here, e.g. SYNTH_LLM_API_KEY");
            }
            else if (!Secrets.IsEnvironmentVariableName(apiKeyEnv))
            {
                Add($"{path}.apiKeyEnv", "must be the name of an environment variable: letters, digits and underscores, not starting with a digit (value not shown)");
            }
        }
    }

    /// <summary>An endpoint is optional (the local model stands in); one that is written must say which model it serves.</summary>
    private void CheckAuto(string path, ModelCallSpec call)
    {
        if (call.BaseUrl is not null)
        {
            Required($"{path}.model", call.Model, "the model name the endpoint serves (with provider auto, leave baseUrl out to use the local model)");
        }

        if (call.ModelPath is not null)
        {
            FileFound($"{path}.modelPath", call.ModelPath);
        }

        NotUsed($"{path}.deployment", call.Deployment, SpecBinder.EnumName(LlmProvider.Auto));
    }

    private void CheckBudget()
    {
        const string path = "budget";
        var budget = spec.Budget;
        AtLeast($"{path}.maxRequests", budget.MaxRequests, 1);
        AtLeast($"{path}.maxTokens", budget.MaxTokens, 1);
        if (budget.MaxCostUsd is <= 0)
        {
            Add($"{path}.maxCostUsd", $"must be greater than 0, got {budget.MaxCostUsd}");
        }

        foreach (var (model, price) in budget.Prices)
        {
            var pricePath = SpecBinder.Entry($"{path}.prices", model);
            if (price.InputPerMillion < 0)
            {
                Add($"{pricePath}.inputPerMillion", "must not be negative");
            }

            if (price.OutputPerMillion < 0)
            {
                Add($"{pricePath}.outputPerMillion", "must not be negative");
            }
        }

        var priced = spec.Generation.Model ?? spec.Generation.Deployment;
        if (budget.MaxCostUsd is not null && (priced is null || !budget.Prices.ContainsKey(priced)))
        {
            Add($"{path}.maxCostUsd", priced is null
                ? "a cost cap needs the model's price, but generation.model is not set"
                : $"a cost cap needs the price of '{priced}': add it under budget.prices");
        }
    }

    private void CheckDataset(string path, DatasetSpec dataset)
    {
        if (Required($"{path}.path", dataset.Path, "the JSONL or CSV file"))
        {
            FileFound($"{path}.path", dataset.Path);
            if (dataset.Format is null)
            {
                Add($"{path}.format", "cannot tell the format from the file's extension; set format: jsonl or csv");
            }
        }

        foreach (var (field, column) in dataset.Fields)
        {
            var fieldPath = SpecBinder.Entry($"{path}.fields", field);
            if (!ContentFields.RecordFields.Contains(field))
            {
                var suggestion = SpecBinder.Suggest(field, ContentFields.RecordFields);
                Add(fieldPath, $"'{field}' is not a sample field{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; known: {string.Join(", ", ContentFields.RecordFields)}");
            }

            Required(fieldPath, column, "the file's field or column that holds it");
        }
    }

    private void CheckJsonSchema(string path, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                Add(path, "a JSON schema is a JSON object");
            }
        }
        catch (JsonException e)
        {
            Add(path, $"not valid JSON: {e.Message}");
        }
    }

    /// <param name="resolved">The field's value, resolved by <see cref="JobSpecNormaliser"/>.</param>
    /// <returns>False after reporting a missing file, unless files are not required.</returns>
    private bool FileFound(string path, string resolved)
    {
        if (!requireFiles || File.Exists(resolved))
        {
            return true;
        }

        Add(path, $"file not found: '{writtenPaths[path]}' (looked for {resolved})");
        return false;
    }

    private void OnlyWith(string path, GenerationStrategy strategy)
    {
        if (spec.Generation.Strategy != strategy)
        {
            Add(path, $"only used by strategy: {SpecBinder.EnumName(strategy)}; this job's strategy is {SpecBinder.EnumName(spec.Generation.Strategy)}");
        }
    }

    /// <summary>A call takes its key from a variable or from a file, never both.</summary>
    private void OneKeySource(string path, ModelCallSpec call)
    {
        if (call.ApiKeyEnv is not null && call.ApiKeyFile is not null)
        {
            Add($"{path}.apiKeyFile", "write apiKeyEnv or apiKeyFile, not both");
        }
    }

    private void NotUsed(string path, string? value, string provider)
    {
        if (value is not null)
        {
            Add(path, $"not used by provider {provider}; remove it");
        }
    }

    private bool Required(string path, string? value, string what)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        Add(path, $"required: {what}");
        return false;
    }

    private void Positive(string path, double value)
    {
        if (value <= 0)
        {
            Add(path, $"must be greater than 0, got {value}");
        }
    }

    private void AtLeast(string path, long? value, long minimum)
    {
        if (value < minimum)
        {
            Add(path, $"must be at least {minimum}, got {value}");
        }
    }

    private void InRange(string path, double value, double minimum, double maximum)
    {
        if (value < minimum || value > maximum)
        {
            Add(path, $"must be between {minimum} and {maximum}, got {value}");
        }
    }

    private static string Show(string value) =>
        Secrets.LooksLikeLiteralKey(value) ? "(a value that looks like an API key, not shown)" : $"'{value}'";

    private void Add(string path, string message)
    {
        var mark = positions.Find(path);
        errors.Add(new JobSpecError(sourceName, path, mark?.Line, mark?.Column, message));
    }
}
