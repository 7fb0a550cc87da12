using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>The job's hard limits, copied from its spec at submission (the state machine warns and stops on them).</summary>
public sealed record JobBudgetLimits(long? MaxRequests, long? MaxTokens, decimal? MaxCostUsd);
