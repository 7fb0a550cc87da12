using System.ComponentModel.DataAnnotations;

namespace Synth.ServiceDefaults;

/// <summary>
/// The generator service's job (section "Generator"). Until the control plane hands jobs out, a generator runs the
/// job spec file it is given; several instances split its requests by shard.
/// </summary>
public sealed class GeneratorOptions : IValidatableObject
{
    public const string SectionName = "Generator";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Generator:JobFile is required: the path of the job spec (YAML) to generate.")]
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
