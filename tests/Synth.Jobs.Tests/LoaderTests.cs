using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs.Tests;

public sealed class LoaderTests
{
    private const string Minimal = """
        name: Minimal job
        task:
          type: instruction-response
          dataDescription: a question and its answer
        generation:
          baseUrl: http://127.0.0.1:9/v1
          model: test-model
        """;

    [Fact]
    public void A_minimal_spec_gets_the_documented_defaults()
    {
        var spec = JobSpecLoader.Parse(Minimal, "job.yaml");

        Assert.Null(spec.Id);
        Assert.Equal(GenerationStrategy.SingleStep, spec.Generation.Strategy);
        Assert.Equal(LlmProvider.OpenAICompatible, spec.Generation.Provider);
        Assert.Equal(0.7, spec.Generation.Temperature);
        Assert.Equal(1.0, spec.Generation.TopP);
        Assert.Equal(1, spec.Generation.SamplesPerRequest);
        Assert.Equal(100, spec.Generation.Target);
        Assert.Equal(SamplingPolicy.LeastCovered, spec.Conditions.Sampling);
        Assert.Null(spec.Demonstrations.SupportSet);
        Assert.Null(spec.Budget.MaxCostUsd);
    }

    [Fact]
    public void Unknown_field_names_file_line_column_path_and_the_nearest_field()
    {
        var yaml = Minimal + "\n  temperatur: 0.5\n";

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        Assert.IsNotType<JobSpecValidationException>(e);
        Assert.Equal("job.yaml", e.SourceName);
        Assert.Equal(8, e.Line);
        Assert.Equal(3, e.Column);
        Assert.Equal("generation.temperatur", e.FieldPath);
        Assert.Equal("job.yaml:8:3: generation.temperatur: unknown field 'temperatur' (did you mean 'temperature'?)", e.Message);
    }

    [Theory]
    [InlineData("top_p", "topP")]
    [InlineData("TopP", "topP")]
    [InlineData("samplesPerRequests", "samplesPerRequest")]
    [InlineData("max-output-tokens", "maxOutputTokens")]
    public void Suggestions_forgive_case_dashes_underscores_and_typos(string written, string suggested)
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Minimal + $"\n  {written}: 1\n", "job.yaml"));

        Assert.EndsWith($"(did you mean '{suggested}'?)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_unknown_field_and_wrong_type_is_reported_at_once()
    {
        var yaml = """
            name: x
            nmae: y
            task:
              type: text-clasification
              dataDescription: d
            generation:
              target: many
            """;

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        Assert.Equal(["nmae", "task.type", "generation.target"], e.Errors.Select(x => x.FieldPath));
        Assert.Contains("did you mean 'name'?", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("unknown value 'text-clasification' (did you mean 'text-classification'?)", e.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_yaml_gives_file_line_and_column()
    {
        var yaml = "name: x\ntask:\n  type: dialogue\n   role: b\n";

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(yaml, "specs/job.yaml"));

        Assert.Equal(4, e.Line);
        Assert.NotNull(e.Column);
        Assert.Equal("", e.FieldPath);
        Assert.StartsWith($"specs/job.yaml:4:{e.Column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_flow_sequence_is_a_spec_error_not_a_crash()
    {
        // YamlDotNet's scanner throws InvalidOperationException here rather than a YamlException.
        var yaml = "name: broken\ntask:\n  type: text-classification\n  labels: [positive\ngeneration:\n  target: 10\n";

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        Assert.Equal("job.yaml", e.SourceName);
        Assert.NotNull(e.Line);
        Assert.Contains("unterminated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_are_an_error_at_the_second_key()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse("name: a\nname: b\n", "job.yaml"));

        Assert.StartsWith("job.yaml:2:1: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Duplicate key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_type_names_the_field_and_line()
    {
        var yaml = Minimal + "\n  target: many\n";

        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        Assert.Equal("generation.target", e.FieldPath);
        Assert.Equal((8L, 11L), (e.Line!.Value, e.Column!.Value));
        Assert.Equal("job.yaml:8:11: generation.target: expected an integer, got 'many'", e.Message);
    }

    [Theory]
    [InlineData("  target: \"200\"", "generation.target", "expected an integer, got the string \"200\"")]
    [InlineData("  temperature: [1]", "generation.temperature", "expected a number, got a list")]
    [InlineData("  target: 1.5", "generation.target", "expected an integer, got '1.5'")]
    [InlineData("  target:", "generation.target", "expected an integer, got nothing")]
    [InlineData("  provider: openai", "generation.provider", "unknown value 'openai'")]
    public void Values_are_strictly_typed(string line, string path, string message)
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Minimal + "\n" + line + "\n", "job.yaml"));

        Assert.Equal(path, e.FieldPath);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the spec is empty")]
    [InlineData("# only a comment\n", "the spec is empty")]
    [InlineData("- a\n- b\n", "a spec is a mapping of fields")]
    [InlineData("name: a\n---\nname: b\n", "a second one starts here")]
    public void Not_a_single_mapping_is_an_error(string yaml, string message)
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_collects_every_problem_with_its_line()
    {
        var yaml = """
            name: Several problems
            id: Not_Valid
            task:
              type: text-classification
              dataDescription: a review
              labels:
                - name: positive
                  description: liked it
                - name: Positive
                  description: ""
            conditions:
              dimensions:
                - name: length
                  values:
                    - { value: short, weight: 0 }
            generation:
              baseUrl: http://127.0.0.1:9/v1
              model: m
              temperature: 3
              topP: 0
              samplesPerRequest: 129
              target: 0
            budget:
              maxCostUsd: 1
            """;

        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        var byPath = e.Errors.ToDictionary(x => x.FieldPath, x => (x.Line, x.Column));
        Assert.Equal((2L, 5L), byPath["id"]);
        Assert.Equal((9L, 13L), byPath["task.labels[1].name"]);
        Assert.Equal((10L, 20L), byPath["task.labels[1].description"]);
        Assert.Equal((15L, 35L), byPath["conditions.dimensions[0].values[0].weight"]);
        Assert.Equal((19L, 16L), byPath["generation.temperature"]);
        Assert.Equal((20L, 9L), byPath["generation.topP"]);
        Assert.Equal((21L, 22L), byPath["generation.samplesPerRequest"]);
        Assert.Equal((22L, 11L), byPath["generation.target"]);
        Assert.Equal((24L, 15L), byPath["budget.maxCostUsd"]);
        Assert.Equal(9, e.Errors.Count);
        // In text order, each on its own line of the message.
        Assert.Equal(e.Errors.OrderBy(x => x.Line).ThenBy(x => x.Column), e.Errors);
        Assert.Equal(e.Errors.Select(x => x.ToString()), e.Message.Split(Environment.NewLine));
        Assert.Contains("job.yaml:19:16: generation.temperature: must be between 0 and 2, got 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_left_out_required_field_points_at_its_section()
    {
        var yaml = "name: x\ntask:\n  dataDescription: d\ngeneration:\n  model: m\n  baseUrl: http://h/v1\n";

        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.Equal("task.type", error.FieldPath);
        Assert.Equal((3L, 3L), (error.Line, error.Column));
    }

    [Fact]
    public void Relative_paths_resolve_against_the_spec_folder()
    {
        using var folder = new SpecFolder();
        folder.Write("data/support.jsonl", "{\"text\": \"a\", \"label\": \"yes\"}\n");
        folder.Write("schemas/sample.json", "{ \"type\": \"object\" }");
        var specPath = folder.Write("specs/../job.yaml", """
            name: paths
            task:
              type: text-classification
              dataDescription: d
              outputSchemaFile: schemas/sample.json
              labels: [{ name: yes, description: y }, { name: no, description: n }]
            demonstrations:
              supportSet: { path: data/support.jsonl }
            generation: { baseUrl: "http://h/v1", model: m }
            """);

        var spec = JobSpecLoader.LoadFile(specPath);

        Assert.Equal(Path.Combine(folder.Root, "data", "support.jsonl"), spec.Demonstrations.SupportSet!.Path);
        Assert.Equal(Path.Combine(folder.Root, "schemas", "sample.json"), spec.Task.OutputSchemaFile);
        Assert.NotEqual(folder.Root, Directory.GetCurrentDirectory());
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_the_field()
    {
        using var folder = new SpecFolder();
        var specPath = folder.Write("job.yaml", Minimal + """

              strategy: annotation
              annotation:
                inputs: { path: data/absent.jsonl }
            demonstrations:
              supportSet:
                path: data/missing.csv
            templates:
              instruction-response: { file: prompt.sbn }
            """);

        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.LoadFile(specPath));

        Assert.Equal(
            ["generation.annotation.inputs.path", "demonstrations.supportSet.path", "templates.instruction-response.file"],
            e.Errors.Select(x => x.FieldPath));
        Assert.Equal((13L, 11L), (e.Errors[1].Line, e.Errors[1].Column));
        Assert.Contains($"file not found: 'data/missing.csv' (looked for {Path.Combine(folder.Root, "data", "missing.csv")})", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(specPath + ":", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_checks_can_be_skipped_for_a_stored_spec_read_elsewhere()
    {
        var yaml = Minimal + "\ndemonstrations:\n  supportSet: { path: data/elsewhere.jsonl }\n";

        var spec = JobSpecLoader.Parse(yaml, "stored", "/srv/jobs", requireFiles: false);

        Assert.Equal("/srv/jobs/data/elsewhere.jsonl", spec.Demonstrations.SupportSet!.Path);
        Assert.Equal(DatasetFormat.Jsonl, spec.Demonstrations.SupportSet.Format);
        Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "stored", "/srv/jobs"));
    }

    [Fact]
    public void A_spec_file_that_cannot_be_read_is_a_spec_error()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.LoadFile("/nonexistent/job.yaml"));

        Assert.Equal("/nonexistent/job.yaml", e.SourceName);
        Assert.Null(e.Line);
    }

    [Theory]
    [InlineData("sk-proj-AbCdEf0123456789XyZ0123456789abc")]
    [InlineData("sk-short")]
    [InlineData("3f2b8c9d0e1a4b5c6d7e8f9a0b1c2d3e")]
    [InlineData("ab3c9d0e1f2a3b4c5d6e7f8a9b0c1d2e")]
    public void A_literal_api_key_is_rejected_without_echoing_it(string key)
    {
        var yaml = Minimal + $"\n  apiKeyEnv: {key}\n";

        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.Equal("generation.apiKeyEnv", error.FieldPath);
        Assert.Equal(8, error.Line);
        Assert.DoesNotContain(key, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_pasted_anywhere_is_rejected_and_never_echoed()
    {
        const string key = "sk-proj-AbCdEf0123456789XyZ0123456789abc";
        var inModel = Minimal.Replace("test-model", key, StringComparison.Ordinal);
        var asApiKey = Minimal + $"\n  apiKey: {key}\n";
        var asNumber = Minimal + $"\n  target: {key}\n";

        var model = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(inModel, "job.yaml"));
        var apiKey = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(asApiKey, "job.yaml"));
        var number = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(asNumber, "job.yaml"));

        Assert.Equal("generation.model", Assert.Single(model.Errors).FieldPath);
        Assert.Contains("name that variable in 'apiKeyEnv'", apiKey.Message, StringComparison.Ordinal);
        Assert.All([model, apiKey, number], ex => Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_environment_variable_name_is_accepted()
    {
        var spec = JobSpecLoader.Parse(Minimal + "\n  apiKeyEnv: MY_LLM_KEY\n", "job.yaml");

        Assert.Equal("MY_LLM_KEY", spec.Generation.ApiKeyEnv);
    }

    [Fact]
    public void Json_specs_parse_with_line_numbers()
    {
        const string json = """
            {
            	"name": "Json job",
            	"task": { "type": "instruction-response", "dataDescription": "d" },
            	"conditions": { "dimensions": [ { "name": "tone", "values": ["dry", { "value": "warm", "weight": 2 }] } ] },
            	"generation": { "baseUrl": "http://h/v1", "model": "m", "temperature": 0.2, "target": 5, "requestsPerMinute": null },
            	"budget": { "prices": { "gpt-4.1": { "inputPerMillion": 2, "outputPerMillion": 8 } } }
            }
            """;

        var spec = JobSpecLoader.ParseJson(json, "request.json");

        Assert.Equal("json-job", JobIds.Derive(spec));
        Assert.Equal(TaskType.InstructionResponse, spec.Task.Type);
        Assert.Equal(2, spec.Conditions.Dimensions[0].Values[1].Weight);
        Assert.Equal(0.2, spec.Generation.Temperature);
        Assert.Null(spec.Generation.RequestsPerMinute);
        Assert.Equal(8m, spec.Budget.Prices["gpt-4.1"].OutputPerMillion);

        var bad = json.Replace("\"temperature\": 0.2", "\"temperature\": 9", StringComparison.Ordinal)
            .Replace("\"outputPerMillion\": 8", "\"outputPerMillion\": -1", StringComparison.Ordinal);
        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.ParseJson(bad, "request.json"));
        Assert.Equal(["generation.temperature", "budget.prices[\"gpt-4.1\"].outputPerMillion"], e.Errors.Select(x => x.FieldPath));
        Assert.Equal([5L, 6L], e.Errors.Select(x => x.Line!.Value));
    }

    [Theory]
    [InlineData("[1, 2]", 1, 1)]
    [InlineData("\n  \"name\"", 2, 3)]
    public void A_json_spec_must_be_an_object(string json, long line, long column)
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.ParseJson(json, "request.json"));

        Assert.Equal((line, column), (e.Line!.Value, e.Column!.Value));
    }

    [Fact]
    public void Json_unknown_fields_are_errors_too()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.ParseJson("{\n  \"nam\": \"x\"\n}", "request.json"));

        Assert.Equal("request.json:2:3: nam: unknown field 'nam' (did you mean 'name'?)", e.Message);
    }

    [Fact]
    public void Hash_is_sha256_hex_of_the_text()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", JobSpecLoader.Hash("abc"));
        Assert.NotEqual(JobSpecLoader.Hash(Minimal), JobSpecLoader.Hash(Minimal + " "));
    }
}
