using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Samples;
using Synth.Messaging;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>Which share of a job's requests this generator instance sends: request i belongs to instance i mod count.</summary>
public sealed record GeneratorShard(int Index, int Count)
{
    public static readonly GeneratorShard Single = new(0, 1);

    public bool Owns(long requestIndex) => requestIndex % Count == Index;
}
