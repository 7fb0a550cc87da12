using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>A JSONL or CSV file of records, and which of its fields hold which sample field.</summary>
public sealed class DatasetSpec
{
    public string Path { get; set; } = "";
    /// <summary>Inferred from the extension (.jsonl, .csv) when omitted.</summary>
    public DatasetFormat? Format { get; set; }
    /// <summary>Sample field (text, label, question, …) → the file's field or column; unmapped fields use their own name.</summary>
    public Dictionary<string, string> Fields { get; set; } = [];
}
