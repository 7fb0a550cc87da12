using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Filter;

/// <param name="Before">The source sample's filter outcome; null when it was never filtered.</param>
public sealed record ReplayChange(string SourceSampleId, string ReplaySampleId, SampleState? Before, string? BeforeReason, SampleState After, string? AfterReason)
{
    public bool KeptToRejected => Before == SampleState.Accepted && After == SampleState.Rejected;

    public bool RejectedToKept => Before == SampleState.Rejected && After == SampleState.Accepted;

    /// <summary>The check a reason names: its text up to the first colon ("dedup", "length", "rank-and-drop", …).</summary>
    public static string Check(string? reason) =>
        reason is null ? "(none)" : reason.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? reason[..colon] : reason;
}
