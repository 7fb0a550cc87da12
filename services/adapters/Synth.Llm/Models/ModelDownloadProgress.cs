namespace Synth.Llm.Models;

/// <summary>How far a model download is: bytes in the cache so far (a resumed download starts above zero) of the total, when known.</summary>
public readonly record struct ModelDownloadProgress(long BytesReceived, long? TotalBytes);
