using System.ComponentModel.DataAnnotations;

namespace Synth.Api;

public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    /// <summary>What the key may do; required, so no key gets more power than its operator chose.</summary>
    public ApiRole? Role { get; set; }

    /// <summary>The model connections (names under "Connections") a spec this key submits may name; empty: every one.</summary>
    public List<string> Connections { get; set; } = [];

    /// <summary>A secret: comes from the environment or a secret store, never logged.</summary>
    public string Key { get; set; } = "";
}
