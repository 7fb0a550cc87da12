namespace Synth.Llm;

/// <summary>A generation spec cannot be turned into a chat client. The message never contains an API key.</summary>
public sealed class LlmConfigurationException(string message) : Exception(message);
