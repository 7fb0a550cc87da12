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

/// <summary>What a replay changed: kept→rejected by the new reason, rejected→kept by the old reason, with sample ids.</summary>
public sealed record ReplayReport(string SourceJobId, string ReplayJobId, IReadOnlyList<ReplayChange> Samples)
{
    public IReadOnlyList<ReplayChange> KeptToRejected => [.. Samples.Where(s => s.KeptToRejected)];

    public IReadOnlyList<ReplayChange> RejectedToKept => [.. Samples.Where(s => s.RejectedToKept)];

    public int Unchanged => Samples.Count(s => s.Before == s.After);

    public IReadOnlyList<(string Check, IReadOnlyList<string> SampleIds)> KeptToRejectedByReason =>
        Group(KeptToRejected, change => ReplayChange.Check(change.AfterReason));

    public IReadOnlyList<(string Check, IReadOnlyList<string> SampleIds)> RejectedToKeptByReason =>
        Group(RejectedToKept, change => ReplayChange.Check(change.BeforeReason));

    private static IReadOnlyList<(string, IReadOnlyList<string>)> Group(IEnumerable<ReplayChange> changes, Func<ReplayChange, string> key) =>
        [.. changes.GroupBy(key, StringComparer.Ordinal)
            .OrderByDescending(group => group.Count()).ThenBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (group.Key, (IReadOnlyList<string>)[.. group.Select(change => change.SourceSampleId)]))];
}
