using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>Hard stops for the whole job, across all generator instances; omitted limits are unlimited.</summary>
public sealed class BudgetSpec
{
    public long? MaxRequests { get; set; }
    /// <summary>Prompt plus completion tokens.</summary>
    public long? MaxTokens { get; set; }
    public decimal? MaxCostUsd { get; set; }
    /// <summary>Model name → price; needed for the job's model when <see cref="MaxCostUsd"/> is set.</summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = [];
}
