using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

/// <summary>A job with its state history and spec.</summary>
public sealed record JobDetail(JobSummary Job, IReadOnlyList<JobTransition> Transitions, string SpecText);
