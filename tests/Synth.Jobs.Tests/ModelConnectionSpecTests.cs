using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>The flat connection keys of generation, the filter judge and the relabel model bind into one <see cref="ModelConnection"/>.</summary>
public sealed class ModelConnectionSpecTests
{
    private const string Yaml = """
        name: connections
        task:
          type: text-classification
          dataDescription: d
          labels:
            - { name: pos, description: p }
            - { name: neg, description: n }
        generation:
          baseUrl: http://gen/v1
          model: writer
          apiKeyEnv: GEN_KEY
          timeoutSeconds: 30
          maxRetries: 2
          temperature: 0.9
        curation:
          filter:
            judge: { enabled: true, connection: { provider: azure-openai, baseUrl: "https://judge.example", deployment: gpt-judge, apiKeyEnv: JUDGE_KEY, maxOutputTokens: 200 } }
          labelRefinement:
            llmRelabel: { enabled: true, model: { baseUrl: "http://relabel/v1", model: voter } }
        """;

    [Fact]
    public void Each_section_s_flat_keys_are_its_connection_and_the_rest_its_sampling()
    {
        var spec = JobSpecLoader.Parse(Yaml, "job.yaml");

        Assert.Equal(
            new ModelConnection { BaseUrl = "http://gen/v1", Model = "writer", ApiKeyEnv = "GEN_KEY", TimeoutSeconds = 30, MaxRetries = 2 },
            spec.Generation.Connection);
        Assert.Equal((0.9, 1.0, 1024), (spec.Generation.Temperature, spec.Generation.TopP, spec.Generation.MaxOutputTokens));

        var judge = spec.Curation.Filter.Judge.Connection!;
        Assert.Equal(
            new ModelConnection { Provider = LlmProvider.AzureOpenAI, BaseUrl = "https://judge.example", Deployment = "gpt-judge", ApiKeyEnv = "JUDGE_KEY" },
            judge.Connection);
        Assert.Equal(200, judge.MaxOutputTokens);

        // The relabel model keeps its own defaults: a shorter timeout, fewer retries, short answers.
        var relabel = spec.Curation.LabelRefinement.LlmRelabel.Model!;
        Assert.Equal(new ModelConnection { BaseUrl = "http://relabel/v1", Model = "voter", TimeoutSeconds = 60, MaxRetries = 3 }, relabel.Connection);
        Assert.Equal(64, relabel.MaxOutputTokens);
    }

    [Fact]
    public void Another_model_name_changes_only_the_model_and_an_azure_deployment()
    {
        var openAI = new ModelConnection { BaseUrl = "http://gen/v1", Model = "writer" };
        var azure = new ModelConnection { Provider = LlmProvider.AzureOpenAI, BaseUrl = "https://a.example", Deployment = "gpt-4o" };

        Assert.Equal(openAI with { Model = "judge" }, openAI.WithModel("judge"));
        Assert.Equal(azure with { Model = "gpt-4o-mini", Deployment = "gpt-4o-mini" }, azure.WithModel("gpt-4o-mini"));
        Assert.Equal("gpt-4o", azure.Deployment);
    }

    [Fact]
    public void A_connection_is_not_a_key_of_the_generation_section()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Yaml.Replace("  temperature: 0.9", "  connection: { model: x }", StringComparison.Ordinal), "job.yaml"));

        Assert.Equal("generation.connection", Assert.Single(e.Errors).FieldPath);
    }

    [Fact]
    public void A_judge_connection_takes_no_generation_only_keys()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Yaml.Replace("maxOutputTokens: 200", "target: 5", StringComparison.Ordinal), "job.yaml"));

        Assert.Equal("curation.filter.judge.connection.target", Assert.Single(e.Errors).FieldPath);
    }

    private const string NoEndpoint = "name: local\ntask: { type: dialogue, dataDescription: d }\ngeneration:\n  target: 4\n";

    [Fact]
    public void A_generation_section_naming_no_endpoint_is_auto_and_one_naming_an_endpoint_stays_openai_compatible()
    {
        var local = JobSpecLoader.Parse(NoEndpoint, "job.yaml");
        var endpoint = JobSpecLoader.Parse(NoEndpoint + "  baseUrl: http://h/v1\n  model: m\n", "job.yaml");

        Assert.Equal(LlmProvider.Auto, local.Generation.Provider);
        Assert.Equal(LlmProvider.OpenAICompatible, endpoint.Generation.Provider);
    }

    [Fact]
    public void Auto_needs_a_model_name_only_with_an_endpoint_and_takes_no_deployment()
    {
        var withEndpoint = Assert.Throws<JobSpecValidationException>(
            () => JobSpecLoader.Parse(NoEndpoint + "  provider: auto\n  baseUrl: http://h/v1\n  deployment: d\n", "job.yaml"));

        Assert.Equal(["generation.deployment", "generation.model"], withEndpoint.Errors.Select(e => e.FieldPath).Order(StringComparer.Ordinal));
        Assert.Equal(LlmProvider.Auto, JobSpecLoader.Parse(NoEndpoint + "  provider: auto\n", "job.yaml").Generation.Provider);
    }

    [Fact]
    public void Unset_key_variables_are_placed_at_their_line()
    {
        var unset = JobSpecLoader.UnsetKeyVariables(Yaml, "job.yaml", name => name == "JUDGE_KEY" ? "set" : null);

        var error = Assert.Single(unset);
        Assert.Equal(("generation.apiKeyEnv", 11L), (error.FieldPath, error.Line));
        Assert.Contains("'GEN_KEY' is not set", error.Message, StringComparison.Ordinal);
        Assert.Empty(JobSpecLoader.UnsetKeyVariables(Yaml, "job.yaml", _ => "set"));
    }

    [Fact]
    public void A_call_takes_its_key_from_a_variable_or_a_file_not_both()
    {
        var both = Assert.Throws<JobSpecValidationException>(
            () => JobSpecLoader.Parse(Yaml.Replace("  apiKeyEnv: GEN_KEY\n", "  apiKeyEnv: GEN_KEY\n  apiKeyFile: /run/secrets/gen\n", StringComparison.Ordinal), "job.yaml"));

        Assert.Equal(("generation.apiKeyFile", 12L), (Assert.Single(both.Errors).FieldPath, both.Errors[0].Line));
        var fromFile = JobSpecLoader.Parse(Yaml.Replace("  apiKeyEnv: GEN_KEY\n", "  apiKeyFile: /run/secrets/gen\n", StringComparison.Ordinal), "job.yaml");
        Assert.Equal(("/run/secrets/gen", null), (fromFile.Generation.ApiKeyFile, fromFile.Generation.ApiKeyEnv));
    }
}
