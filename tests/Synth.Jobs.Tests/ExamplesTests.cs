using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs.Tests;

public sealed class ExamplesTests
{
    internal static readonly string ExamplesFolder = Path.Combine(RepositoryRoot(), "examples");

    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ExamplesFolder, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_loads_and_validates(string file)
    {
        var spec = JobSpecLoader.LoadFile(Path.Combine(ExamplesFolder, file));

        Assert.True(SampleIds.IsValidJobId(JobIds.Derive(spec)));
    }

    [Fact]
    public void The_required_examples_exist()
    {
        string[] required =
        [
            "sentiment-classification.yaml", "instruction-response.yaml", "dialogue.yaml",
            "reasoning-cot.yaml", "qa-over-passages.yaml", "annotation.yaml",
        ];

        Assert.All(required, file => Assert.True(File.Exists(Path.Combine(ExamplesFolder, file)), file));
    }

    [Fact]
    public void Sentiment_example_is_read_in_full()
    {
        var spec = JobSpecLoader.LoadFile(Path.Combine(ExamplesFolder, "sentiment-classification.yaml"));

        Assert.Equal(TaskType.TextClassification, spec.Task.Type);
        Assert.Equal(["positive", "negative"], spec.Task.Labels.Select(l => l.Name));
        Assert.All(spec.Task.Labels, l => Assert.False(string.IsNullOrWhiteSpace(l.Description)));
        Assert.Equal(["topic", "length", "style"], spec.Conditions.Dimensions.Select(d => d.Name));
        Assert.Equal(2, spec.Conditions.Dimensions[0].Values[0].Weight);
        // Bare strings are values of weight 1.
        Assert.All(spec.Conditions.Dimensions[2].Values, v => Assert.Equal(1, v.Weight));
        var tree = spec.Conditions.ConceptTree!;
        Assert.Equal("product", tree.Dimension);
        Assert.Equal(["electronics", "kitchen", "outdoor"], tree.Topics.Select(t => t.Name));
        Assert.Equal(2, tree.Topics[2].Children[1].Weight);

        var support = spec.Demonstrations.SupportSet!;
        Assert.Equal(Path.Combine(ExamplesFolder, "data", "sentiment-support.jsonl"), support.Path);
        Assert.Equal(DatasetFormat.Jsonl, support.Format);
        Assert.Equal("review", support.Fields["text"]);
        Assert.Equal(20, File.ReadLines(support.Path).Count());
        Assert.Equal(DemoSelection.Similarity, spec.Demonstrations.Selection);
        Assert.Equal(TokenizerName.O200kBase, spec.Demonstrations.Tokenizer);

        Assert.Equal(LlmProvider.Auto, spec.Generation.Provider);
        Assert.Equal("http://127.0.0.1:11434/v1", spec.Generation.BaseUrl);
        Assert.Null(spec.Generation.ApiKeyEnv);
        Assert.Equal(60, spec.Generation.Target);
        Assert.Equal(4, spec.Generation.SamplesPerRequest);
        Assert.Equal(120, spec.Budget.MaxRequests);
    }

    [Fact]
    public void Instruction_example_has_a_price_table_and_a_template()
    {
        var spec = JobSpecLoader.LoadFile(Path.Combine(ExamplesFolder, "instruction-response.yaml"));

        Assert.Equal(LlmProvider.AzureOpenAI, spec.Generation.Provider);
        Assert.Equal(2.50m, spec.Budget.MaxCostUsd);
        Assert.Equal(0.60m, spec.Budget.Prices["gpt-4o-mini"].OutputPerMillion);
        Assert.Equal(TemplateLanguage.Scriban, spec.Templates[TaskType.InstructionResponse].Language);
        Assert.True(File.Exists(spec.Task.DomainKnowledgeFile));
        Assert.Equal("cooking-assistant-instructions", JobIds.Derive(spec));
    }

    [Fact]
    public void Strategy_examples_get_their_settings()
    {
        var dialogue = JobSpecLoader.LoadFile(Path.Combine(ExamplesFolder, "dialogue.yaml"));
        var annotation = JobSpecLoader.LoadFile(Path.Combine(ExamplesFolder, "annotation.yaml"));

        Assert.Equal((4, 8), (dialogue.Generation.Dialogue!.MinTurns, dialogue.Generation.Dialogue.MaxTurns));
        Assert.Equal(DatasetFormat.Csv, annotation.Demonstrations.SupportSet!.Format);
        Assert.Equal(DatasetFormat.Jsonl, annotation.Generation.Annotation!.Inputs.Format);
        Assert.True(File.Exists(annotation.Generation.Annotation.Inputs.Path));
    }

    [Fact]
    public void The_complete_example_in_the_reference_loads()
    {
        var reference = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "job-spec.md"));
        var start = reference.IndexOf("```yaml\nid:", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = reference[start..reference.IndexOf("```", start, StringComparison.Ordinal)];
        using var folder = new SpecFolder();
        folder.Write("schemas/review.json", "{ \"type\": \"object\" }");
        folder.Write("data/product-facts.jsonl", "{\"fact\": \"x\"}");
        folder.Write("data/sentiment-support.jsonl", "{\"review\": \"x\", \"sentiment\": \"positive\"}");
        folder.Write("templates/review.sbn", "{{ task.role }}");

        var spec = JobSpecLoader.LoadFile(folder.Write("job.yaml", yaml));

        Assert.Equal(0m, spec.Budget.Prices["llama3.1:8b"].InputPerMillion);
        Assert.Equal(DemoSelection.Mmr, spec.Demonstrations.Selection);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Synth.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Synth.Streaming.sln not found above " + AppContext.BaseDirectory);
    }
}
