using System.ComponentModel.DataAnnotations;

namespace Synth.Pipeline;

/// <summary>
/// Which algorithm each stage runs (configuration section "Processors"). A stage with no type name runs its module's
/// built-in processor; a value is a type name, looked up in <see cref="PluginAssembly"/> when set (custom stages are
/// plug-ins), else among the loaded assemblies, and checked at start-up.
/// </summary>
public sealed class ProcessorOptions : IValidatableObject
{
    public const string SectionName = "Processors";

    /// <summary>Path of an assembly holding custom processors.</summary>
    public string? PluginAssembly { get; set; }

    public string? Generator { get; set; }

    public string? Filter { get; set; }

    public string? LabelRefiner { get; set; }

    public string? Evaluator { get; set; }

    [Range(1, 4096)]
    public int MaxInFlight { get; set; } = 16;

    /// <summary>
    /// Messages a consuming stage instance takes in flight per processing slot: up to <see cref="MaxInFlight"/> × this,
    /// of which at most <see cref="MaxInFlight"/> are in the processor at once. A message spends most of its time
    /// waiting on a store read, a compare-and-set and the broker's acknowledgement (benchmarks/README.md); with more in
    /// flight those waits overlap and the store batches more per transaction, while processor calls (which may call a
    /// model) stay bounded.
    /// </summary>
    [Range(1, 64)]
    public int MessagesPerProcessingSlot { get; set; } = 4;

    /// <summary>Messages a consuming stage instance takes in flight: <see cref="MaxInFlight"/> × <see cref="MessagesPerProcessingSlot"/>.</summary>
    public int MessagesInFlight => MaxInFlight * MessagesPerProcessingSlot;

    [Range(1, 1024)]
    public int MaxConcurrentRequests { get; set; } = 8;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var stage in PipelineComposition.AllStages)
        {
            if (ProcessorLoader.ConfigurationError(this, stage) is { } error)
            {
                yield return new ValidationResult(error, [stage.ToString()]);
            }
        }
    }
}
