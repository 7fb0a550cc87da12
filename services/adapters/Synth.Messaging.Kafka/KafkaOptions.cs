using System.ComponentModel.DataAnnotations;

namespace Synth.Messaging.Kafka;

/// <summary>Kafka connection and consume-loop settings (configuration section "Kafka").</summary>
public sealed class KafkaOptions : IValidatableObject
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated "host:port" list.</summary>
    [Required(AllowEmptyStrings = false)]
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>
    /// Extra librdkafka properties applied to producers and consumers after Synth's own (so they can override them),
    /// e.g. "session.timeout.ms": "3000" in tests.
    /// </summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Static group membership: every consumer joins its group with group.instance.id = <see cref="InstanceName"/>, so an
    /// instance restarted under the same name gets its partitions back at once instead of after the old member's
    /// session timeout. It needs a name that is stable per instance and unique in the group (Synth:InstanceName, a
    /// StatefulSet pod's name). A static member that stops does not leave the group: its partitions move to others
    /// only after session.timeout.ms.
    /// </summary>
    public bool StaticMembership { get; set; }

    /// <summary>This instance's name, set by the host from Synth:InstanceName; the group.instance.id under <see cref="StaticMembership"/>.</summary>
    public string? InstanceName { get; set; }

    /// <summary>First delay before a failed message is handled again; doubles per attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap of the retry delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a revoked partition's in-flight messages may finish (and have their offsets committed) before they are abandoned.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RevocationGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long in-flight messages may finish on shutdown before their handlers are cancelled.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The schema registry of the curated topic; none by default (plain JSON).</summary>
    public SchemaRegistryOptions SchemaRegistry { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => SchemaRegistry.Validate();
}
