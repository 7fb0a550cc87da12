namespace Synth.Delivery.Tests;

/// <summary>Runs only where an Azurite answers (SYNTH_AZURITE_CONNECTION; infra/azurite/start-azurite.sh prints it).</summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public const string Variable = "SYNTH_AZURITE_CONNECTION";

    public AzuriteFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 })
        {
            Skip = $"{Variable} is not set (bash infra/azurite/start-azurite.sh prints it).";
        }
    }
}
