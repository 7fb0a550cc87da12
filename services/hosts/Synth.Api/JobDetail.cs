using Synth.Contracts.Audit;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>A job with its state history, spec, and who did what to it (commands and human labels, oldest first).</summary>
public sealed record JobDetail(JobSummary Job, IReadOnlyList<JobTransition> Transitions, string SpecText, IReadOnlyList<AuditRecord> Audit);
