namespace Synth.Llm.Models;

/// <summary>A model's first verified download, kept beside it: later downloads of the same model must have this hash.</summary>
/// <param name="Revision">The repository commit the server reported (Hugging Face's X-Repo-Commit), when it did.</param>
internal sealed record ModelRecord(string Sha256, string? Revision, Uri Url, DateTimeOffset DownloadedAt);
