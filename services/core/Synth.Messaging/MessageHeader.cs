namespace Synth.Messaging;

/// <summary>A message header; values are bytes as on Kafka (UTF-8 for every header Synth writes).</summary>
public readonly record struct MessageHeader(string Name, byte[] Value)
{
    public static MessageHeader Utf8(string name, string value) => new(name, System.Text.Encoding.UTF8.GetBytes(value));

    public string ValueAsString() => System.Text.Encoding.UTF8.GetString(Value);
}
