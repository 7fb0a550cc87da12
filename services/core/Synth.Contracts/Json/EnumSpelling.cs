using System.Text.Json;

namespace Synth.Contracts.Json;

/// <summary>How an enum value is spelled in stored documents, messages, the API and texts: LlmRelabel as llm-relabel.</summary>
public static class EnumSpelling
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
