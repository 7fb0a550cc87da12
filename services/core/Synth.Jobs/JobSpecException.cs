using System.Globalization;

namespace Synth.Jobs;

/// <summary>
/// A spec that cannot be read: malformed YAML or JSON, an unknown field, or a value of the wrong type.
/// Every problem found is in <see cref="Errors"/>; the location properties describe the first.
/// </summary>
public class JobSpecException : Exception
{
    public JobSpecException(IReadOnlyList<JobSpecError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        Errors = errors;
    }

    public IReadOnlyList<JobSpecError> Errors { get; }
    /// <summary>The spec file's path, or the name the caller gave a spec read from text.</summary>
    public string SourceName => Errors[0].SourceName;
    public long? Line => Errors[0].Line;
    public long? Column => Errors[0].Column;
    public string FieldPath => Errors[0].FieldPath;
}
