using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>
/// What a spec submitted over the API may name: the operator's named connections instead of endpoints and key
/// variables, and files under the root only. The operator's own spec keeps inline settings and any file.
/// </summary>
public sealed class SpecPolicyTests
{
    private static readonly Dictionary<string, NamedConnection> Connections = new()
    {
        ["azure-gpt4o"] = new NamedConnection
        {
            Provider = LlmProvider.AzureOpenAI, BaseUrl = "https://team.openai.azure.com", ApiKeyEnv = "TEAM_AZURE_KEY", Models = ["gpt-4o", "gpt-4o-mini"],
        },
        ["local"] = new NamedConnection { BaseUrl = "http://127.0.0.1:11434/v1", Models = ["llama3.1:8b"] },
    };

    private static readonly SpecPolicy Api = new(SpecSource.Api, Connections);

    private static string Spec(string generation, string extra = "") => $"""
        name: policy
        task:
          type: text-classification
          dataDescription: d
          labels:
            - {"{"} name: pos, description: p {"}"}
            - {"{"} name: neg, description: n {"}"}
        generation:
        {generation}
        {extra}
        """;

    [Fact]
    public void An_api_spec_naming_a_connection_runs_on_it_with_the_model_it_asks_for()
    {
        var spec = JobSpecLoader.Parse(Spec("  connection: azure-gpt4o\n  model: gpt-4o-mini",
            "curation:\n  filter:\n    judge: { enabled: true, connection: { connection: local } }"), "job.yaml", policy: Api);

        Assert.Equal(
            new ModelConnection { Provider = LlmProvider.AzureOpenAI, BaseUrl = "https://team.openai.azure.com", ApiKeyEnv = "TEAM_AZURE_KEY", Model = "gpt-4o-mini", Deployment = "gpt-4o-mini" },
            spec.Generation.Connection);
        Assert.Equal("azure-gpt4o", spec.Generation.ConnectionName);
        var judge = spec.Curation.Filter.Judge.Connection!.Connection;
        Assert.Equal(("http://127.0.0.1:11434/v1", "llama3.1:8b", (string?)null), (judge.BaseUrl, judge.Model, judge.ApiKeyEnv));
    }

    [Theory]
    [InlineData("  baseUrl: http://evil.example/v1\n  model: m", "generation.baseUrl", 9)]
    [InlineData("  connection: local\n  apiKeyEnv: SERVER_SECRET", "generation.apiKeyEnv", 10)]
    [InlineData("  provider: azure-openai\n  deployment: d\n  model: m", "generation.deployment", 10)]
    [InlineData("  provider: llamasharp\n  modelPath: /models/m.gguf", "generation.modelPath", 10)]
    public void An_api_spec_writing_an_endpoint_a_key_variable_or_a_model_file_is_refused_with_its_line_and_the_connections(
        string generation, string field, long line)
    {
        // A model file is also a path outside the root: the refusal of the field itself comes first.
        var error = Assert.ThrowsAny<JobSpecException>(() => JobSpecLoader.Parse(Spec(generation), "job.yaml", policy: Api)).Errors[0];

        Assert.Equal((field, line), (error.FieldPath, error.Line));
        Assert.Contains("azure-gpt4o, local", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "gpt-5", "azure-gpt4o")]
    [InlineData("curation:\n  filter:\n    judge: { enabled: true, connection: { connection: local } }\n", "gpt-4o", "local")]
    public void The_faithfulness_model_must_be_one_the_connection_it_calls_allows(string curation, string model, string connection)
    {
        var extra = $"{curation}evaluation:\n  faithfulness: {{ enabled: true, model: {model} }}";

        var error = Assert.Single(Assert.ThrowsAny<JobSpecException>(
            () => JobSpecLoader.Parse(Spec("  connection: azure-gpt4o", extra), "job.yaml", policy: Api)).Errors);

        Assert.Equal("evaluation.faithfulness.model", error.FieldPath);
        Assert.NotNull(error.Line);
        Assert.Contains($"connection '{connection}' does not allow model '{model}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("gpt-4o", JobSpecLoader.Parse(Spec("  connection: azure-gpt4o",
            "evaluation:\n  faithfulness: { enabled: true, model: gpt-4o }"), "job.yaml", policy: Api).Evaluation.Faithfulness.Model);
    }

    [Fact]
    public void The_judge_and_relabel_sections_are_held_to_the_same_rule()
    {
        var errors = Assert.ThrowsAny<JobSpecException>(() => JobSpecLoader.Parse(Spec("  connection: local",
            """
            curation:
              filter:
                judge: { enabled: true, connection: { baseUrl: "http://evil.example/v1", apiKeyEnv: SERVER_SECRET } }
              labelRefinement:
                llmRelabel: { enabled: true, model: { baseUrl: "http://evil.example/v1", model: voter } }
            """), "job.yaml", policy: Api)).Errors;

        Assert.Equal(
            ["curation.filter.judge.connection.baseUrl", "curation.filter.judge.connection.apiKeyEnv", "curation.labelRefinement.llmRelabel.model.baseUrl"],
            errors.Select(e => e.FieldPath));
    }

    [Theory]
    [InlineData("  connection: nowhere", "generation.connection", "no connection 'nowhere'")]
    [InlineData("  connection: azure-gpt4o\n  model: o1", "generation.model", "does not allow model 'o1'")]
    [InlineData("  connection: local\n  provider: azure-openai", "generation.provider", "connection 'local' is openai-compatible")]
    public void A_connection_must_exist_allow_the_model_and_match_the_provider(string generation, string field, string message)
    {
        var error = Assert.Single(Assert.ThrowsAny<JobSpecException>(() => JobSpecLoader.Parse(Spec(generation), "job.yaml", policy: Api)).Errors);

        Assert.Equal(field, error.FieldPath);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_s_own_spec_keeps_inline_settings_and_files_anywhere()
    {
        using var outside = new SpecFolder();
        var supportSet = outside.Write("support.jsonl", "{\"text\":\"a\",\"label\":\"pos\"}\n");
        using var folder = new SpecFolder();

        var spec = JobSpecLoader.Parse(Spec("  baseUrl: http://127.0.0.1:9/v1\n  apiKeyEnv: MY_KEY\n  model: m",
            $"demonstrations:\n  supportSet: {{ path: {supportSet} }}"), "job.yaml", folder.Root);

        Assert.Equal(("http://127.0.0.1:9/v1", "MY_KEY"), (spec.Generation.BaseUrl, spec.Generation.ApiKeyEnv));
        Assert.Equal(supportSet, spec.Demonstrations.SupportSet!.Path);
    }

    [Theory]
    [InlineData("/etc/passwd", "an absolute path")]
    [InlineData("../outside.jsonl", "'..'")]
    [InlineData("data/../../outside.jsonl", "'..'")]
    [InlineData("%2e%2e/outside.jsonl", "'..'")]
    [InlineData("%2E%2E%2Foutside.jsonl", "'..'")]
    [InlineData("escape/outside.jsonl", "symbolic link")]
    [InlineData("escape.jsonl", "symbolic link")]
    public void An_api_spec_s_files_must_lie_under_the_root(string path, string problem)
    {
        using var root = new SpecFolder();
        using var outside = new SpecFolder();
        var secret = outside.Write("outside.jsonl", "not json: the server must not read this\n");
        Directory.CreateSymbolicLink(Path.Combine(root.Root, "escape"), outside.Root);
        File.CreateSymbolicLink(Path.Combine(root.Root, "escape.jsonl"), secret);

        var error = Assert.Single(Assert.ThrowsAny<JobSpecException>(() => JobSpecLoader.Parse(
            Spec("  connection: local", $"demonstrations:\n  supportSet: {{ path: \"{path}\" }}"), "job.yaml", root.Root, policy: Api)).Errors);

        Assert.Equal(("demonstrations.supportSet.path", 11L), (error.FieldPath, error.Line));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_api_spec_may_name_files_under_the_root_also_through_links_that_stay_inside()
    {
        using var root = new SpecFolder();
        root.Write("data/support.jsonl", "{\"text\":\"a\",\"label\":\"pos\"}\n{\"text\":\"b\",\"label\":\"neg\"}\n");
        Directory.CreateSymbolicLink(Path.Combine(root.Root, "current"), Path.Combine(root.Root, "data"));

        var spec = JobSpecLoader.Parse(Spec("  connection: local", "demonstrations:\n  supportSet: { path: current/support.jsonl }"),
            "job.yaml", root.Root, policy: Api);

        Assert.Equal(Path.Combine(root.Root, "current", "support.jsonl"), spec.Demonstrations.SupportSet!.Path);
    }
}
