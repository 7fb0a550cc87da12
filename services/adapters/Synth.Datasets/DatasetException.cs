using Synth.Contracts.Samples;

namespace Synth.Datasets;

/// <summary>A dataset file that cannot be read; the message names the file, line and field.</summary>
public sealed class DatasetException(string path, long? line, string? field, string problem)
    : Exception($"{path}{(line is null ? "" : $":{line}")}: {(field is null ? "" : $"field '{field}': ")}{problem}")
{
    public string Path { get; } = path;
    public long? Line { get; } = line;
    public string? Field { get; } = field;
}
