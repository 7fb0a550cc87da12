using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>A job as a processor sees it: its id and parsed spec.</summary>
public sealed record PipelineJob(string JobId, JobSpec Spec);
