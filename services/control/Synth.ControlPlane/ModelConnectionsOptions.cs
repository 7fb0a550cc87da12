using System.ComponentModel.DataAnnotations;
using Synth.Contracts.Jobs;
using Synth.Jobs;

namespace Synth.ControlPlane;

/// <summary>
/// The operator's named model connections (section "Connections", one entry per name), which a spec submitted over
/// the API names instead of an endpoint and a key variable. Checked at start-up.
/// </summary>
public sealed class ModelConnectionsOptions : Dictionary<string, NamedConnection>, IValidatableObject
{
    public const string SectionName = "Connections";

    public ModelConnectionsOptions()
        : base(StringComparer.Ordinal)
    {
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, connection) in this)
        {
            var key = $"{SectionName}:{name}";
            if (!string.IsNullOrWhiteSpace(connection.ApiKeyEnv) && !string.IsNullOrWhiteSpace(connection.ApiKeyFile))
            {
                yield return new ValidationResult($"{key}: set ApiKeyEnv or ApiKeyFile, not both.", [name]);
            }

            switch (connection.Provider)
            {
                case LlmProvider.OpenAICompatible or LlmProvider.AzureOpenAI when !Uri.TryCreate(connection.BaseUrl, UriKind.Absolute, out _):
                    yield return new ValidationResult($"{key}:BaseUrl must be an absolute URL.", [name]);
                    break;
                case LlmProvider.AzureOpenAI when string.IsNullOrWhiteSpace(connection.ApiKeyEnv) && string.IsNullOrWhiteSpace(connection.ApiKeyFile):
                    yield return new ValidationResult($"{key}:ApiKeyEnv (or ApiKeyFile) must name the variable (or file) holding the Azure OpenAI key.", [name]);
                    break;
                case LlmProvider.LLamaSharp when string.IsNullOrWhiteSpace(connection.ModelPath):
                    yield return new ValidationResult($"{key}:ModelPath must name the GGUF file.", [name]);
                    break;
                case LlmProvider.Auto:
                    yield return new ValidationResult($"{key}:Provider must say which provider the connection is (not auto).", [name]);
                    break;
            }
        }
    }
}
