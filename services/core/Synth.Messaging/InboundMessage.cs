namespace Synth.Messaging;

/// <summary>A received message with its origin (partition and offset are -1 on the in-process bus).</summary>
public sealed record InboundMessage(
    string Topic,
    int Partition,
    long Offset,
    string? Key,
    byte[] Value,
    IReadOnlyList<MessageHeader> Headers)
{
    public string? Header(string name)
    {
        // The last value wins, as in Kafka's "last header" semantics.
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (Headers[i].Name == name)
            {
                return Headers[i].ValueAsString();
            }
        }

        return null;
    }
}
