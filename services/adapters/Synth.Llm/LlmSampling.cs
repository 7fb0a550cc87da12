using Synth.Contracts.Jobs;

namespace Synth.Llm;

/// <summary>The sampling settings every request of one use of a model is sent with.</summary>
public sealed record LlmSampling(double Temperature, double TopP, int MaxOutputTokens)
{
    /// <summary>The sampling settings a spec section gives its calls.</summary>
    public static LlmSampling Of(ModelCallSpec call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new LlmSampling(call.Temperature, call.TopP, call.MaxOutputTokens);
    }
}
