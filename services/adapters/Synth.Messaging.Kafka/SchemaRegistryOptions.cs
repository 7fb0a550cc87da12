using System.ComponentModel.DataAnnotations;

namespace Synth.Messaging.Kafka;

/// <summary>
/// A Confluent-compatible schema registry for <c>synth.samples.curated</c> (section "Kafka:SchemaRegistry"). With a
/// <see cref="Url"/>, curated records travel in the registry's wire format (magic byte, schema id, JSON) and their
/// schema is registered under the topic's subject; without one, as plain JSON. Publisher and every consumer of the
/// topic must agree.
/// </summary>
public sealed class SchemaRegistryOptions
{
    /// <summary>The option that turns the registry on, as it is named in configuration and in errors.</summary>
    public const string UrlKey = KafkaOptions.SectionName + ":SchemaRegistry:Url";

    /// <summary>The registry's base URL(s), comma-separated; none: plain JSON.</summary>
    public string? Url { get; set; }

    /// <summary>The environment variable holding the registry's basic-auth "user:password", if it needs one.</summary>
    public string? BasicAuthUserInfoEnv { get; set; }

    /// <summary>The file holding the registry's basic-auth "user:password" (e.g. a mounted secret), instead of <see cref="BasicAuthUserInfoEnv"/>.</summary>
    public string? BasicAuthUserInfoFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public IEnumerable<ValidationResult> Validate()
    {
        const string prefix = KafkaOptions.SectionName + ":SchemaRegistry:";
        if (!string.IsNullOrWhiteSpace(BasicAuthUserInfoEnv) && !string.IsNullOrWhiteSpace(BasicAuthUserInfoFile))
        {
            yield return new ValidationResult($"{prefix}: set BasicAuthUserInfoEnv or BasicAuthUserInfoFile, not both.");
        }

        if (Url is { } url && !string.IsNullOrWhiteSpace(url)
            && url.Split(',', StringSplitOptions.TrimEntries).Any(u => !Uri.TryCreate(u, UriKind.Absolute, out _)))
        {
            yield return new ValidationResult($"{UrlKey} must be absolute URLs, comma-separated.");
        }

        if (!Enabled && (!string.IsNullOrWhiteSpace(BasicAuthUserInfoEnv) || !string.IsNullOrWhiteSpace(BasicAuthUserInfoFile)))
        {
            yield return new ValidationResult($"{prefix}: basic auth is set but {UrlKey} is not.");
        }
    }

    /// <summary>The basic-auth "user:password" from the variable or file; null when none is configured. Never logged.</summary>
    public string? ReadUserInfo()
    {
        if (!string.IsNullOrWhiteSpace(BasicAuthUserInfoFile))
        {
            return File.ReadAllText(BasicAuthUserInfoFile).Trim();
        }

        if (string.IsNullOrWhiteSpace(BasicAuthUserInfoEnv))
        {
            return null;
        }

        return Environment.GetEnvironmentVariable(BasicAuthUserInfoEnv) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{KafkaOptions.SectionName}:SchemaRegistry:BasicAuthUserInfoEnv names {BasicAuthUserInfoEnv}, which is not set.");
    }
}
