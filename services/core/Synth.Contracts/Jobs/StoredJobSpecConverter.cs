using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synth.Contracts.Jobs;

/// <summary>Writes a job document's spec in <see cref="JobSpecJson"/>'s form whatever options the document is written with.</summary>
public sealed class StoredJobSpecConverter : JsonConverter<JobSpec>
{
    public override JobSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<JobSpec>(ref reader, JobSpecJson.Options) ?? throw new JsonException("JSON null where a job spec was expected.");

    public override void Write(Utf8JsonWriter writer, JobSpec value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, JobSpecJson.Options);
}
