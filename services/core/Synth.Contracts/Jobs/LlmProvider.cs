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
}
