using System.Text.Json.Serialization;

namespace Synth.Contracts.Jobs;

/// <summary>
/// A spec section that calls a model: its connection written inline as flat keys (provider, model, baseUrl,
/// apiKeyEnv, apiKeyFile, deployment, modelPath, timeoutSeconds, maxRetries), which bind into <see cref="Connection"/>, and the
/// sampling settings of its calls. The generation section, the filter judge's connection and the relabel model are one.
/// </summary>
public class ModelCallSpec
{
    public ModelCallSpec()
        : this(new ModelConnection(), maxOutputTokens: 1024)
    {
    }

    /// <summary>A section whose defaults differ from the generation section's.</summary>
    protected ModelCallSpec(ModelConnection defaults, int maxOutputTokens)
    {
        Connection = defaults;
        MaxOutputTokens = maxOutputTokens;
    }

    /// <summary>
    /// An operator-defined connection (server configuration <c>Connections:&lt;name&gt;</c>) to call instead of an inline
    /// one; written <c>connection:</c>. Resolved into <see cref="Connection"/> when the spec is loaded.
    /// </summary>
    [JsonPropertyName("connection")]
    public string? ConnectionName { get; set; }

    /// <summary>The model connection the flat keys describe.</summary>
    [JsonIgnore]
    public ModelConnection Connection { get; private set; }

    public LlmProvider Provider { get => Connection.Provider; set => Connection = Connection with { Provider = value }; }
    /// <inheritdoc cref="ModelConnection.Model"/>
    public string? Model { get => Connection.Model; set => Connection = Connection with { Model = value }; }
    /// <inheritdoc cref="ModelConnection.BaseUrl"/>
    public string? BaseUrl { get => Connection.BaseUrl; set => Connection = Connection with { BaseUrl = value }; }
    /// <inheritdoc cref="ModelConnection.ApiKeyEnv"/>
    public string? ApiKeyEnv { get => Connection.ApiKeyEnv; set => Connection = Connection with { ApiKeyEnv = value }; }
    /// <inheritdoc cref="ModelConnection.ApiKeyFile"/>
    public string? ApiKeyFile { get => Connection.ApiKeyFile; set => Connection = Connection with { ApiKeyFile = value }; }
    /// <inheritdoc cref="ModelConnection.Deployment"/>
    public string? Deployment { get => Connection.Deployment; set => Connection = Connection with { Deployment = value }; }
    /// <inheritdoc cref="ModelConnection.ModelPath"/>
    public string? ModelPath { get => Connection.ModelPath; set => Connection = Connection with { ModelPath = value }; }
    /// <inheritdoc cref="ModelConnection.TimeoutSeconds"/>
    public double TimeoutSeconds { get => Connection.TimeoutSeconds; set => Connection = Connection with { TimeoutSeconds = value }; }
    /// <inheritdoc cref="ModelConnection.MaxRetries"/>
    public int MaxRetries { get => Connection.MaxRetries; set => Connection = Connection with { MaxRetries = value }; }

    public double Temperature { get; set; } = 0.7;
    public double TopP { get; set; } = 1.0;
    public int MaxOutputTokens { get; set; }
}
