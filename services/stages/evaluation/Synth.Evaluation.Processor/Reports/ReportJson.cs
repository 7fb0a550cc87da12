using System.Text.Json;
using System.Text.Json.Serialization;
using Synth.Evaluation;
using Synth.Evaluation.Processor.Downstream;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>The report's JSON: camelCase, enums as strings, and ±Infinity written out (an imbalance ratio can be infinite).</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(JobReport report) => JsonSerializer.Serialize(report, Options);

    public static JobReport Deserialize(string json) =>
        JsonSerializer.Deserialize<JobReport>(json, Options) ?? throw new JsonException("JSON null where a job report was expected.");
}
