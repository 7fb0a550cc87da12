using System.Text;
using Synth.Contracts.Messaging;
using Synth.Messaging;

namespace Synth.Messaging.Tests;

public class DeadLettersTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    private static InboundMessage Origin(params MessageHeader[] headers) =>
        new(Topics.Generated, 7, 1234, "sample-1", Encoding.UTF8.GetBytes("{not json"), headers);

    [Fact]
    public void Targets_the_dead_letter_topic_with_key_value_and_original_headers()
    {
        var origin = Origin(MessageHeader.Utf8(EnvelopeHeaders.Type, "synth.sample.generated.v1"), MessageHeader.Utf8("traceparent", "00-abc"));

        var dlt = DeadLetters.Create(origin, "filter", "bad json", "4bf92f3577b34da6a3ce929d0e0e4736", At);

        Assert.Equal("synth.samples.generated.dlt", dlt.Topic);
        Assert.Equal("sample-1", dlt.Key);
        Assert.Same(origin.Value, dlt.Value);
        Assert.Contains(dlt.Headers, h => h.Name == EnvelopeHeaders.Type && h.ValueAsString() == "synth.sample.generated.v1");
        Assert.Contains(dlt.Headers, h => h.Name == "traceparent" && h.ValueAsString() == "00-abc");
    }

    [Fact]
    public void Adds_every_dead_letter_header()
    {
        var dlt = Read(DeadLetters.Create(Origin(), "filter", "bad json", "4bf92f3577b34da6a3ce929d0e0e4736", At));

        Assert.Equal("bad json", dlt.Header(EnvelopeHeaders.DeadLetterError));
        Assert.Equal("filter", dlt.Header(EnvelopeHeaders.DeadLetterStage));
        Assert.Equal(Topics.Generated, dlt.Header(EnvelopeHeaders.DeadLetterOriginTopic));
        Assert.Equal("7", dlt.Header(EnvelopeHeaders.DeadLetterOriginPartition));
        Assert.Equal("1234", dlt.Header(EnvelopeHeaders.DeadLetterOriginOffset));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", dlt.Header(EnvelopeHeaders.DeadLetterTraceId));
        Assert.Equal("2025-03-04T03:06:07.0000000+00:00", dlt.Header(EnvelopeHeaders.DeadLetterAt));
    }

    [Fact]
    public void Truncates_long_errors()
    {
        var dlt = Read(DeadLetters.Create(Origin(), "filter", new string('x', 100_000), null, At));

        var error = dlt.Header(EnvelopeHeaders.DeadLetterError)!;
        Assert.Equal(DeadLetters.MaxErrorLength, error.Length);
        Assert.EndsWith("[truncated]", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, dlt.Header(EnvelopeHeaders.DeadLetterTraceId));
    }

    [Fact]
    public void Replaces_dead_letter_headers_of_a_redriven_message()
    {
        var origin = Origin(MessageHeader.Utf8(EnvelopeHeaders.DeadLetterError, "old"), MessageHeader.Utf8(EnvelopeHeaders.DeadLetterStage, "old"));

        var dlt = DeadLetters.Create(origin, "filter", "new", null, At);

        Assert.Single(dlt.Headers, h => h.Name == EnvelopeHeaders.DeadLetterError);
        Assert.Equal("new", Read(dlt).Header(EnvelopeHeaders.DeadLetterError));
    }

    [Fact]
    public void A_keyless_origin_gets_an_empty_key()
    {
        var origin = Origin() with { Key = null };

        Assert.Equal(string.Empty, DeadLetters.Create(origin, "filter", "e", null, At).Key);
    }

    private static InboundMessage Read(OutboundMessage message) =>
        new(message.Topic, 0, 0, message.Key, message.Value, message.Headers);
}
