namespace Synth.Llm.Models;

/// <summary>What a user can do when the local model is needed but not in the cache and cannot be downloaded.</summary>
public static class LocalModelHelp
{
    public static string Hint(ModelCache cache, ModelCatalogEntry model) =>
        $"run `synth models pull` where there is internet; or copy the GGUF file ({model.Url}) to {cache.PathOf(model)}; "
        + "or point the job at an OpenAI-compatible endpoint with generation.baseUrl and generation.model.";
}
