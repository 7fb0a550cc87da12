using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>Cross-field rules: strategies, providers, conditions and templates.</summary>
public sealed class RulesTests
{
    private static JobSpecValidationException Invalid(string yaml, string? folder = null) =>
        Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml", folder));

    private static string Spec(string type, string generation, string extra = "") => $"""
        name: rules
        task:
          type: {type}
          dataDescription: d
        generation:
          baseUrl: http://h/v1
          model: m
        {generation}
        {extra}
        """;

    [Fact]
    public void Annotation_needs_its_inputs()
    {
        var e = Invalid(Spec("instruction-response", "  strategy: annotation"));

        Assert.Equal("generation.annotation", Assert.Single(e.Errors).FieldPath);
    }

    [Fact]
    public void A_strategy_must_fit_the_task_type()
    {
        var e = Invalid(Spec("instruction-response", "  strategy: dialogue\n  dialogue: { minTurns: 4, maxTurns: 2 }"));

        Assert.Equal(["generation.strategy", "generation.dialogue.maxTurns"], e.Errors.Select(x => x.FieldPath));
        Assert.Contains("it fits: dialogue", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strategy_settings_are_only_allowed_with_their_strategy()
    {
        var e = Invalid(Spec("reasoning", "  strategy: chain-of-thought\n  outline: { minSections: 2 }"));

        Assert.Contains("only used by strategy: outline-sections", Assert.Single(e.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dialogue_and_outline_settings_default_when_left_out()
    {
        var spec = JobSpecLoader.Parse(Spec("dialogue", "  strategy: dialogue"), "job.yaml");

        Assert.Equal((2, 6), (spec.Generation.Dialogue!.MinTurns, spec.Generation.Dialogue.MaxTurns));
    }

    [Fact]
    public void Dataset_decomposition_and_a_grown_tree_go_together()
    {
        var withoutTree = Invalid(Spec("dialogue", "  strategy: dataset-decomposition"));
        var specTree = Invalid(Spec("dialogue", "  strategy: dataset-decomposition", "conditions:\n  conceptTree: { topics: [a] }"));
        var grownWithoutStrategy = Invalid(Spec("dialogue", "", "conditions:\n  conceptTree: { source: llm }"));

        Assert.Equal("generation.strategy", Assert.Single(withoutTree.Errors).FieldPath);
        Assert.Equal("generation.strategy", Assert.Single(specTree.Errors).FieldPath);
        Assert.Equal("conditions.conceptTree.source", Assert.Single(grownWithoutStrategy.Errors).FieldPath);
        var grown = JobSpecLoader.Parse(Spec("dialogue", "  strategy: dataset-decomposition", "conditions:\n  conceptTree: { source: llm }"), "job.yaml");
        Assert.Equal(ConceptTreeSource.Llm, grown.Conditions.ConceptTree!.Source);
    }

    [Fact]
    public void Concept_tree_and_dimension_rules()
    {
        const string conditions = """
            conditions:
              dimensions:
                - name: topic
                  values: [a, a]
                - name: Topic
                  values: []
              conceptTree:
                topics:
                  - name: x
                    weight: -1
                    children: [y, y]
            """;

        var e = Invalid(Spec("dialogue", "", conditions));

        Assert.Equal(
        [
            "conditions.dimensions[0].values[1]", "conditions.dimensions[1].name", "conditions.dimensions[1].values",
            "conditions.conceptTree.dimension", "conditions.conceptTree.topics[0].weight", "conditions.conceptTree.topics[0].children[1]",
        ], e.Errors.Select(x => x.FieldPath));
    }

    [Fact]
    public void A_grown_tree_respects_its_limits_in_the_seeds()
    {
        const string conditions = """
            conditions:
              conceptTree:
                source: llm
                maxDepth: 1
                maxBranching: 2
                topics: [a, b, { name: c, children: [d] }]
            """;

        var e = Invalid(Spec("dialogue", "  strategy: dataset-decomposition", conditions));

        Assert.Equal(["conditions.conceptTree.topics", "conditions.conceptTree.topics[2].children"], e.Errors.Select(x => x.FieldPath));
    }

    [Fact]
    public void Providers_need_their_own_settings_and_reject_others()
    {
        const string yaml = """
            name: rules
            task: { type: dialogue, dataDescription: d }
            generation:
              provider: llamasharp
              baseUrl: http://h/v1
              deployment: x
            """;

        var e = Invalid(yaml);

        Assert.Equal(["generation.modelPath", "generation.baseUrl", "generation.deployment"], e.Errors.Select(x => x.FieldPath));
    }

    [Fact]
    public void Llamasharp_model_path_resolves_against_the_spec_folder()
    {
        using var folder = new SpecFolder();
        folder.Write("models/tiny.gguf", "GGUF");
        const string yaml = "name: local\ntask: { type: dialogue, dataDescription: d }\ngeneration: { provider: llamasharp, modelPath: models/tiny.gguf }\n";

        var spec = JobSpecLoader.Parse(yaml, "job.yaml", folder.Root);

        Assert.Equal(Path.Combine(folder.Root, "models", "tiny.gguf"), spec.Generation.ModelPath);
    }

    [Theory]
    [InlineData("ftp://h/v1")]
    [InlineData("localhost:11434")]
    public void Base_url_must_be_http(string url)
    {
        var e = Invalid(Spec("dialogue", "").Replace("http://h/v1", url, StringComparison.Ordinal));

        Assert.Equal("generation.baseUrl", Assert.Single(e.Errors).FieldPath);
    }

    [Fact]
    public void Demonstration_rules()
    {
        const string demos = """
            demonstrations:
              k: -1
              selection: random
              mmrLambda: 1.5
              tokenBudget: 0
            """;

        var e = Invalid(Spec("dialogue", "", demos));

        Assert.Equal(
            ["demonstrations.k", "demonstrations.mmrLambda", "demonstrations.mmrLambda", "demonstrations.tokenBudget"],
            e.Errors.Select(x => x.FieldPath));
    }

    [Fact]
    public void K_above_zero_needs_a_support_set()
    {
        var e = Invalid(Spec("dialogue", "", "demonstrations: { k: 3 }"));

        Assert.Equal("demonstrations.supportSet", Assert.Single(e.Errors).FieldPath);
    }

    [Fact]
    public void Dataset_field_mapping_and_format_are_checked()
    {
        using var folder = new SpecFolder();
        folder.Write("support.txt", "x");
        var e = Invalid(Spec("dialogue", "", "demonstrations:\n  supportSet: { path: support.txt, fields: { txt: a, label: '' } }"), folder.Root);

        Assert.Equal(
            ["demonstrations.supportSet.format", "demonstrations.supportSet.fields.txt", "demonstrations.supportSet.fields.label"],
            e.Errors.Select(x => x.FieldPath));
        Assert.Contains("did you mean 'text'?", e.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Templates_override_only_the_jobs_task_type_with_one_source()
    {
        const string templates = """
            templates:
              dialogue: { language: liquid, text: "Hello {{ name }}", file: t.liquid }
              reasoning: { text: x }
            """;

        var e = Invalid(Spec("dialogue", "", templates));

        Assert.Equal(["templates.dialogue", "templates.reasoning"], e.Errors.Select(x => x.FieldPath));
        var spec = JobSpecLoader.Parse(Spec("dialogue", "", "templates:\n  dialogue: { language: liquid, text: 'Hi {{ name }}' }"), "job.yaml");
        Assert.Equal(TemplateLanguage.Liquid, spec.Templates[Contracts.Samples.TaskType.Dialogue].Language);
    }

    [Fact]
    public void Output_schema_must_be_a_json_object_and_only_one_source()
    {
        var inline = Invalid(Spec("dialogue", "").Replace("dataDescription: d", "dataDescription: d\n  outputSchema: '{ not json'", StringComparison.Ordinal));
        var both = Invalid(Spec("dialogue", "").Replace("dataDescription: d", "dataDescription: d\n  outputSchema: '{}'\n  outputSchemaFile: s.json", StringComparison.Ordinal));

        Assert.Equal("task.outputSchema", Assert.Single(inline.Errors).FieldPath);
        Assert.Equal(["task.outputSchemaFile", "task.outputSchemaFile"], both.Errors.Select(x => x.FieldPath));
    }

    [Fact]
    public void Labels_belong_to_classification_only()
    {
        var e = Invalid(Spec("dialogue", "").Replace("dataDescription: d", "dataDescription: d\n  labels: [{ name: a, description: b }]", StringComparison.Ordinal));

        Assert.Equal("task.labels", Assert.Single(e.Errors).FieldPath);
    }

    [Fact]
    public void A_cost_cap_needs_a_price_and_limits_must_be_positive()
    {
        const string budget = """
            budget:
              maxRequests: 0
              maxTokens: -5
              maxCostUsd: 3
              prices:
                other-model: { inputPerMillion: 1, outputPerMillion: 2 }
            """;

        var e = Invalid(Spec("dialogue", "", budget));

        Assert.Equal(["budget.maxRequests", "budget.maxTokens", "budget.maxCostUsd"], e.Errors.Select(x => x.FieldPath));
        Assert.Contains("add it under budget.prices", e.Errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throughput_limits_are_checked()
    {
        var e = Invalid(Spec("dialogue", "  concurrency: 0\n  requestsPerMinute: 0\n  tokensPerMinute: 0\n  timeoutSeconds: 0\n  maxRetries: -1\n  maxOutputTokens: 0"));

        Assert.Equal(
        [
            "generation.concurrency", "generation.requestsPerMinute", "generation.tokensPerMinute",
            "generation.timeoutSeconds", "generation.maxRetries", "generation.maxOutputTokens",
        ], e.Errors.Select(x => x.FieldPath));
    }
}
