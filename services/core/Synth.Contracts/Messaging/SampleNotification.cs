using System.Text.Json;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Messaging;

/// <summary>
/// The body of a stage message: which sample moved to which state, at which store version. The sample itself lives
/// only in the store; the stage that takes the message reads it from there (docs/schemas.md, "Message envelope").
/// </summary>
/// <param name="Version">The sample's <see cref="SampleDocument.Version"/> after the write this message announces.</param>
public sealed record SampleNotification(string SampleId, string JobId, SampleState State, long Version)
{
    /// <summary>The message body's schema: 1 was the whole sample document, 2 is this notification.</summary>
    public const int CurrentSchemaVersion = 2;

    public static SampleNotification Of(SampleDocument sample) => new(sample.Id, sample.JobId, sample.State, sample.Version);

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, SampleJson.Options);

    /// <exception cref="JsonException">The bytes are not a sample notification (the message names the path).</exception>
    public static SampleNotification Parse(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<SampleNotification>(utf8, SampleJson.Options)
        ?? throw new JsonException("The message body is JSON null, not a sample notification.");
}
