using System.ComponentModel.DataAnnotations;

namespace Synth.Pipeline;

/// <summary>
/// The generator service's job (section "Generator"). Under the control plane (a "ControlPlane" section is
/// configured) a generator runs every job it is told to; otherwise it runs the job spec file it is given. Several
/// instances split each job's requests by shard.
/// </summary>
public sealed class GeneratorOptions : IValidatableObject
{
    public const string SectionName = "Generator";

    /// <summary>Required unless the control plane hands out jobs (checked at start-up by the host).</summary>
    public string JobFile { get; set; } = "";

    [Range(0, 1023)]
    public int ShardIndex { get; set; }

    [Range(1, 1024)]
    public int ShardCount { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ShardIndex >= ShardCount)
        {
            yield return new ValidationResult(
                $"Generator:ShardIndex ({ShardIndex}) must be less than Generator:ShardCount ({ShardCount}).",
                [nameof(ShardIndex), nameof(ShardCount)]);
        }
    }
}
