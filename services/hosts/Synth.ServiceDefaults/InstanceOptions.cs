using System.ComponentModel.DataAnnotations;

namespace Synth.ServiceDefaults;

/// <summary>Identity of this process (section "Synth"), recorded on every decision it makes.</summary>
public sealed class InstanceOptions
{
    public const string SectionName = "Synth";

    [Required(AllowEmptyStrings = false)]
    public string InstanceName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}
