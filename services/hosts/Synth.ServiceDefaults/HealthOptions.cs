using System.ComponentModel.DataAnnotations;

namespace Synth.ServiceDefaults;

/// <summary>
/// The health file (section "Health"): services are not web servers, so liveness is a small JSON file rewritten
/// every <see cref="IntervalSeconds"/>; a probe checks that it is fresh and says "Healthy".
/// </summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    public string? FilePath { get; set; }

    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 5;
}
