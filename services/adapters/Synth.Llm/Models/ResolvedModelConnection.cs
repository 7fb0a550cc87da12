using Synth.Contracts.Jobs;

namespace Synth.Llm.Models;

/// <summary>What a <c>provider: auto</c> connection turned out to be.</summary>
/// <param name="Connection">A connection with a concrete provider (openai-compatible or llamasharp).</param>
/// <param name="Choice">For the user: which model was picked and why ("the local model NAME, in-process on the CPU (no endpoint is configured)").</param>
/// <param name="Download">The catalog model to download first, when the local model was picked and is not in the cache yet.</param>
public sealed record ResolvedModelConnection(ModelConnection Connection, string Choice, ModelCatalogEntry? Download);
