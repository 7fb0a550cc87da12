using System.Text.Json;
using System.Text.Json.Nodes;
using Synth.Testing;

namespace Synth.Delivery.Tests;

/// <summary>The documented JSON Schema (docs/schemas/curated-record.v1.schema.json) and the record agree.</summary>
public sealed class CuratedRecordSchemaTests
{
    [Fact]
    public void A_serialized_record_has_every_required_field_of_the_schema_and_no_field_it_does_not_document()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", "curated-record.v1.schema.json")))!;
        var documented = schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var required = schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        var documentedContent = schema["properties"]!["content"]!["properties"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        var record = JsonNode.Parse(Records.Record("schema-job", 3).ToUtf8Json())!.AsObject();

        Assert.All(required, field => Assert.True(record.ContainsKey(field), $"required '{field}' missing"));
        Assert.All(record.Select(p => p.Key), field => Assert.Contains(field, documented));
        Assert.All(record["content"]!.AsObject().Select(p => p.Key), field => Assert.Contains(field, documentedContent));
        Assert.Equal(schema["properties"]!["schemaVersion"]!["const"]!.GetValue<int>(), record["schemaVersion"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.String, record["taskType"]!.GetValueKind());
        Assert.Contains(record["taskType"]!.GetValue<string>(), schema["properties"]!["taskType"]!["enum"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public void The_schema_registered_with_a_schema_registry_is_the_documented_one()
    {
        var documented = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "schemas", "curated-record.v1.schema.json"));
        Assert.Equal(documented, Contracts.Messaging.CuratedRecord.JsonSchema);
    }
}
