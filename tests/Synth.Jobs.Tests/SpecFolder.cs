namespace Synth.Jobs.Tests;

/// <summary>A temporary folder holding a spec and the files it references, deleted after the test.</summary>
internal sealed class SpecFolder : IDisposable
{
    public SpecFolder() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "synth-jobs-tests-" + Guid.NewGuid().ToString("N"));

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
