namespace Synth.Llm.Models;

/// <summary>A model could not be downloaded, or the download was refused (wrong size or checksum).</summary>
public sealed class ModelDownloadException(string message, Exception? inner = null) : Exception(message, inner);
