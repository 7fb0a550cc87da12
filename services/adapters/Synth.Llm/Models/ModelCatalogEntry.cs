namespace Synth.Llm.Models;

/// <summary>One downloadable GGUF model of the catalog.</summary>
/// <param name="Name">What users and specs call it (<c>synth models pull NAME</c>).</param>
/// <param name="FileName">The file's name in the model cache.</param>
/// <param name="Url">Where it is downloaded from.</param>
/// <param name="Revision">The repository commit the URL is pinned to, or null when the URL names a branch.</param>
/// <param name="SizeBytes">The file's size; a server offering another size is refused. Null when unknown.</param>
/// <param name="Sha256">The published SHA-256 (lowercase hex); null when none could be confirmed, in which case the
/// first download's hash is recorded and later downloads must match it (trust on first use).</param>
public sealed record ModelCatalogEntry(string Name, string Description, string FileName, Uri Url, string? Revision, long? SizeBytes, string? Sha256);
