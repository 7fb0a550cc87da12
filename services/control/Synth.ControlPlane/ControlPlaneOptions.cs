using System.ComponentModel.DataAnnotations;

namespace Synth.ControlPlane;

/// <summary>How a process reaches the control plane (section "ControlPlane").</summary>
public sealed class ControlPlaneOptions : IValidatableObject
{
    public const string SectionName = "ControlPlane";

    public ControlPlaneTransport Transport { get; set; } = ControlPlaneTransport.InMemory;

    /// <summary>Whether this process runs the job state machine (the control-plane host; any one-machine host).</summary>
    public bool RunStateMachine { get; set; } = true;

    /// <summary>RabbitMQ host name or address.</summary>
    public string RabbitMqHost { get; set; } = "localhost";

    [Range(1, 65535)]
    public int RabbitMqPort { get; set; } = 5672;

    public string RabbitMqVirtualHost { get; set; } = "/";

    public string RabbitMqUser { get; set; } = "guest";

    /// <summary>A credential: never logged.</summary>
    public string RabbitMqPassword { get; set; } = "guest";

    /// <summary>Where the files a submitted spec names (support sets, inputs, templates) are looked up, relative paths included.</summary>
    public string JobFilesRoot { get; set; } = ".";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Transport == ControlPlaneTransport.RabbitMq && string.IsNullOrWhiteSpace(RabbitMqHost))
        {
            yield return new ValidationResult("ControlPlane:RabbitMqHost is required when ControlPlane:Transport is RabbitMq.", [nameof(RabbitMqHost)]);
        }

        if (Transport == ControlPlaneTransport.InMemory && !RunStateMachine)
        {
            yield return new ValidationResult(
                "ControlPlane:RunStateMachine must be true with the InMemory transport: nothing else could reach this process's bus.",
                [nameof(RunStateMachine)]);
        }

        if (string.IsNullOrWhiteSpace(JobFilesRoot))
        {
            yield return new ValidationResult("ControlPlane:JobFilesRoot must name a folder.", [nameof(JobFilesRoot)]);
        }
    }
}
