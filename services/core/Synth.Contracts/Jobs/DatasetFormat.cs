using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum DatasetFormat
{
    Jsonl = 1,
    Csv = 2,
}
