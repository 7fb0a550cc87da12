namespace Synth.Api;

/// <summary>One uploaded content of a named dataset.</summary>
/// <param name="Path">Where a spec names it, relative to ControlPlane:JobFilesRoot (e.g. demonstrations.supportSet.path).</param>
public sealed record DatasetVersion(string Name, string Sha256, long Bytes, string Format, string Path, string UploadedBy, DateTimeOffset UploadedAt);
