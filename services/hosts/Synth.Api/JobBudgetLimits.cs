using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Api;

public sealed record JobBudgetLimits(long? MaxRequests, long? MaxTokens, decimal? MaxCostUsd);
