using System.Globalization;

namespace Synth.Jobs;

/// <summary>One problem in a spec: where it is (when known) and what is wrong.</summary>
/// <param name="FieldPath">Dotted path such as <c>generation.temperature</c> or <c>task.labels[1].name</c>; empty for a YAML syntax error.</param>
/// <param name="Line">1-based line, or null when the problem has no place in the text (a field left out of a JSON spec built elsewhere).</param>
/// <param name="Column">1-based column, or null with <paramref name="Line"/>.</param>
public sealed record JobSpecError(string SourceName, string FieldPath, long? Line, long? Column, string Message)
{
    /// <summary><c>job.yaml:12:5: generation.temperatur: unknown field 'temperatur' (did you mean 'temperature'?)</c></summary>
    public override string ToString()
    {
        var place = Line is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{SourceName}:{line}:{Column ?? 1}")
            : SourceName;
        return FieldPath.Length == 0 ? $"{place}: {Message}" : $"{place}: {FieldPath}: {Message}";
    }
}
