using System.Text.Json;

namespace Synth.Llm.Models;

/// <summary>The local models the product can download (Models/catalog.json, embedded in this assembly), and the default one.</summary>
public sealed class ModelCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ModelCatalog(IReadOnlyList<ModelCatalogEntry> models, ModelCatalogEntry defaultModel)
    {
        Models = models;
        Default = defaultModel;
    }

    public IReadOnlyList<ModelCatalogEntry> Models { get; }

    /// <summary>The model a job uses when no endpoint is configured or reachable.</summary>
    public ModelCatalogEntry Default { get; }

    /// <summary>The catalog shipped with the product.</summary>
    public static ModelCatalog BuiltIn { get; } = Load();

    /// <summary>The named model, or the default when <paramref name="name"/> is null.</summary>
    /// <exception cref="LlmConfigurationException">No model of that name.</exception>
    public ModelCatalogEntry Find(string? name) =>
        name is null
            ? Default
            : Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
              ?? throw new LlmConfigurationException($"no model '{name}' in the catalog; `synth models list` shows the models.");

    private static ModelCatalog Load()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("Synth.Llm.Models.catalog.json")
            ?? throw new InvalidOperationException("The model catalog is not embedded in Synth.Llm.");
        var file = JsonSerializer.Deserialize<CatalogFile>(stream, Json) ?? throw new InvalidOperationException("The model catalog is empty.");
        return new ModelCatalog(file.Models, file.Models.Single(m => m.Name == file.Default));
    }

    private sealed record CatalogFile(string Default, List<ModelCatalogEntry> Models);
}
