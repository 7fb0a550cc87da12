using System.Collections.Concurrent;
using Synth.Store;

namespace Synth.Pipeline;

public sealed class UnknownJobException(string jobId)
    : InvalidOperationException($"Job '{jobId}' is not in the store: a sample arrived before (or without) its job.")
{
    public string JobId { get; } = jobId;
}
