using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <param name="SampleCount">How many samples this request should yield (the last request of a job may ask for fewer).</param>
public sealed record GenerationRequest(PipelineJob Job, long RequestIndex, string RequestId, int SampleCount);
