using System.ComponentModel.DataAnnotations;

namespace Synth.Pipeline;

/// <summary>
/// The generator service's job (section "Generator"). Under the control plane (a "ControlPlane" section is
/// configured) a generator runs every job it is told to; otherwise it runs the job spec file it is given. Any number
/// of instances share each job's requests by claiming blocks of them in the store (<see cref="GeneratorWorker"/>).
/// </summary>
public sealed class GeneratorOptions
{
    public const string SectionName = "Generator";

    /// <summary>Required unless the control plane hands out jobs (checked at start-up by the host).</summary>
    public string JobFile { get; set; } = "";

    /// <summary>Request indexes an instance claims at once: small blocks spread a job evenly over the instances.</summary>
    [Range(1, 1024)]
    public int ClaimBlockSize { get; set; } = 4;

    /// <summary>
    /// How long a claim lasts without renewal (renewed every third of it while the instance works): after an instance
    /// dies, the requests it had claimed wait this long before another instance takes them over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long generation waits for the stages to decide the job's samples while nothing happens to the job (no
    /// request recorded, no sample decided) before it gives up with <see cref="GenerationStalledException"/>: no stage
    /// is consuming, rather than a slow one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
