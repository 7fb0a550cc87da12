using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Contracts.Messaging;

namespace Synth.Contracts.Jobs;

/// <summary>
/// The stored form of a normalised <see cref="JobSpec"/>: the sample documents' JSON conventions (camelCase fields,
/// kebab-case enum values), except that nulls are written. A spec may set a bound with a default to null
/// (<c>maxChars: null</c> turns the check off); left out, it would read back as the default.
/// </summary>
public static class JobSpecJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static string ToJson(JobSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <exception cref="JsonException">Not a stored job spec.</exception>
    public static JobSpec FromJson(string json) =>
        JsonSerializer.Deserialize<JobSpec>(json, Options) ?? throw new JsonException("JSON null where a job spec was expected.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(SampleJson.Options) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
        options.MakeReadOnly();
        return options;
    }
}
