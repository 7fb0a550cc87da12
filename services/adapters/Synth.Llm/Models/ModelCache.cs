using System.Text.Json;

namespace Synth.Llm.Models;

/// <summary>
/// The per-user folder downloaded models live in: <c>$SYNTH_MODELS_DIR</c> when set, otherwise
/// <c>$XDG_CACHE_HOME/synth/models</c>, otherwise <c>~/.cache/synth/models</c> (the local application data folder on Windows).
/// A model is there only once complete and checked; a download in progress is <c>FILE.partial</c> beside it.
/// </summary>
public sealed class ModelCache
{
    /// <summary>Overrides the cache folder.</summary>
    public const string DirectoryVariable = "SYNTH_MODELS_DIR";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <param name="directory">The cache folder; the default for this user when null.</param>
    /// <param name="readEnvironment">Reads an environment variable (for the default folder).</param>
    public ModelCache(string? directory = null, Func<string, string?>? readEnvironment = null)
    {
        Directory = directory ?? DefaultDirectory(readEnvironment ?? Environment.GetEnvironmentVariable);
    }

    public string Directory { get; }

    /// <summary>Where the model's file is (or will be once downloaded).</summary>
    public string PathOf(ModelCatalogEntry model) => Path.Combine(Directory, model.FileName);

    /// <summary>The model's file when it is in the cache; null otherwise.</summary>
    public string? Find(ModelCatalogEntry model)
    {
        var path = PathOf(model);
        return File.Exists(path) ? path : null;
    }

    internal string PartialPathOf(ModelCatalogEntry model) => PathOf(model) + ".partial";

    /// <summary>What the first download of a model without a published hash recorded (trust on first use); null before it.</summary>
    internal ModelRecord? ReadRecord(ModelCatalogEntry model)
    {
        var path = RecordPathOf(model);
        return File.Exists(path) ? JsonSerializer.Deserialize<ModelRecord>(File.ReadAllText(path), Json) : null;
    }

    internal void WriteRecord(ModelCatalogEntry model, ModelRecord record) =>
        File.WriteAllText(RecordPathOf(model), JsonSerializer.Serialize(record, Json));

    private string RecordPathOf(ModelCatalogEntry model) => PathOf(model) + ".sha256.json";

    private static string DefaultDirectory(Func<string, string?> readEnvironment)
    {
        if (readEnvironment(DirectoryVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        var cache = readEnvironment("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "synth", "models");
    }
}
