using System.Text.Json;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using static Synth.Llm.Tests.TestSupport;

namespace Synth.Llm.Tests;

/// <summary>A task's JSON schema as a grammar: the in-process model can only write JSON that fits it.</summary>
public sealed class JsonSchemaGrammarTests : IDisposable
{
    private const string Schema = """
        {
          "type": "object",
          "properties": {
            "label": { "type": "string", "enum": ["positive", "negative"] },
            "text": { "type": "string", "maxLength": 12 },
            "note": { "type": "string", "maxLength": 12 }
          },
          "required": ["label", "text"],
          "additionalProperties": false
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-llm-grammar-").FullName;

    [Fact]
    public void The_grammar_spells_out_the_schema()
    {
        var gbnf = JsonSchemaGrammar.ToGbnf(JsonDocument.Parse(Schema).RootElement);

        Assert.StartsWith("root ::= ", gbnf, StringComparison.Ordinal);
        Assert.Contains("(\"\\\"positive\\\"\" | \"\\\"negative\\\"\")", gbnf, StringComparison.Ordinal);
        Assert.Contains("char{0,12}", gbnf, StringComparison.Ordinal);
        // Required members in order, then the optional one as an optional group.
        Assert.Matches("\"\\\\\"label\\\\\"\" .* \"\\\\\"text\\\\\"\" .*\\(ws \",\" ws \"\\\\\"note\\\\\"\"", gbnf);
    }

    [Fact]
    public void Array_bounds_become_repetitions()
    {
        var gbnf = JsonSchemaGrammar.ToGbnf(JsonDocument.Parse("""{ "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 3 }""").RootElement);

        Assert.Contains("\"[\" ws integer (ws \",\" ws integer){1,2} ws \"]\"", gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_random_weight_model_constrained_by_the_grammar_writes_json_that_fits_the_schema()
    {
        var path = Path.Combine(_directory, "tiny.gguf");
        TinyLlamaGguf.Write(path, seed: 7);
        var spec = new ModelConnection { Provider = LlmProvider.LLamaSharp, ModelPath = path, TimeoutSeconds = 120, MaxRetries = 0 };
        using var connection = Factory(new LlmAccessOptions { LLamaContextSize = 512 }).Create(spec);
        Assert.True(connection.UsesJsonSchemaResponseFormat);
        var executor = new LlmRequestExecutor(connection, spec, new LlmSampling(Temperature: 1.0, TopP: 1.0, MaxOutputTokens: 200));
        var request = new LlmRequest([new ChatMessage(ChatRole.User, "Write one review as JSON.")])
        {
            OutputSchema = JsonDocument.Parse(Schema).RootElement,
            OutputSchemaName = "review",
        };

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var result = await executor.ExecuteAsync(request);

            Assert.Equal(LlmOutcome.Success, result.Outcome);
            // Random weights pick arbitrary tokens; the grammar leaves them only the ones that keep the JSON valid.
            // (Every string in the schema is bounded: random weights never choose to end an unbounded one.)
            using var answer = JsonDocument.Parse(result.Text!);
            var root = answer.RootElement;
            Assert.Contains(root.GetProperty("label").GetString(), new[] { "positive", "negative" });
            Assert.Equal(JsonValueKind.String, root.GetProperty("text").ValueKind);
            Assert.All(root.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "label", "text", "note" }));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
