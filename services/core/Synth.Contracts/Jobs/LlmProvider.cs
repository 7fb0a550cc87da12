using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum LlmProvider
{
    [JsonStringEnumMemberName("azure-openai")]
    AzureOpenAI = 1,
    [JsonStringEnumMemberName("openai-compatible")]
    OpenAICompatible = 2,
    [JsonStringEnumMemberName("llamasharp")]
    LLamaSharp = 3,
    /// <summary>
    /// The OpenAI-compatible endpoint (baseUrl) when one is configured and answers; otherwise the GGUF model at
    /// modelPath, or the catalog's default local model, downloaded once into the per-user model cache.
    /// </summary>
    [JsonStringEnumMemberName("auto")]
    Auto = 4,
}
