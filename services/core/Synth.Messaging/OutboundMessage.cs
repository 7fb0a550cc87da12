namespace Synth.Messaging;

public sealed record OutboundMessage(string Topic, string Key, byte[] Value, IReadOnlyList<MessageHeader> Headers);
