using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>What a job has spent, as the budget store counts it across every generator instance.</summary>
public sealed record JobSpending(long Requests, long Tokens, decimal CostUsd);
