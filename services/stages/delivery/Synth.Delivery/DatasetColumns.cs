using System.Text;
using System.Text.Json;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Delivery;

/// <summary>
/// The columns of a job's shards: <c>id</c>, <c>version</c>, the task type's content fields (as <c>synth export</c>
/// writes them; dialogue turns as JSON text), <c>weight</c>, <c>split</c> and <c>lineage</c>.
/// </summary>
public static class DatasetColumns
{
    public const string Id = "id";
    public const string Version = "version";
    public const string Weight = "weight";
    public const string Split = "split";
    public const string Lineage = "lineage";

    private static readonly JsonSerializerOptions TurnsJson = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<string> ContentOf(TaskType type) => ContentFields.ColumnsOf(type);

    /// <summary>Every column of a task type's shards, in file order.</summary>
    public static IReadOnlyList<string> Of(TaskType type) => [Id, Version, .. ContentOf(type), Weight, Split, Lineage];

    public static DatasetRow Row(CuratedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [Id] = record.SampleId,
            [Version] = record.Version,
        };
        var content = record.Content;
        foreach (var column in ContentOf(record.TaskType))
        {
            values[column] = column == "turns"
                ? JsonSerializer.Serialize(content.Turns.Select(t => new { role = t.Role, text = t.Text }), TurnsJson)
                : ContentFields.Get(content, column);
        }

        values[Weight] = record.Weight;
        values[Split] = record.Split;
        values[Lineage] = record.Lineage;
        var bytes = values.Values.Sum(v => v is string s ? Encoding.UTF8.GetByteCount(s) : 8L);
        return new DatasetRow(record.SampleId, record.Version, record.Split, values, bytes);
    }
}
