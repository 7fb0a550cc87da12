using System.Xml.Linq;
using Synth.Testing;

namespace Synth.Architecture.Tests;

/// <summary>One project under services/: its folder group (core, stages, adapters, control, hosts) and references.</summary>
public sealed record ServiceProject(string Name, string Group, string Folder, IReadOnlyList<string> References)
{
    /// <summary>For a stage's projects, the stage folder (generation, curation, evaluation); otherwise null.</summary>
    public string? StageName => Group == "stages" ? Folder.Split('/')[2] : null;

    public bool IsAlgorithmLibrary => Group == "stages" && !Name.EndsWith(".Processor", StringComparison.Ordinal);
}

/// <summary>The project reference graph of services/, read from the project files.</summary>
public static class ProjectGraph
{
    public static readonly string[] Groups = ["core", "adapters", "stages", "control", "hosts"];

    public static IReadOnlyList<ServiceProject> Load()
    {
        var services = Path.Combine(RepoPaths.Root, "services");
        var projects = new List<ServiceProject>();
        foreach (var file in Directory.EnumerateFiles(services, "*.csproj", SearchOption.AllDirectories))
        {
            var folder = Path.GetRelativePath(RepoPaths.Root, Path.GetDirectoryName(file)!).Replace('\\', '/');
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            projects.Add(new ServiceProject(Path.GetFileNameWithoutExtension(file), folder.Split('/')[1], folder, references));
        }

        return projects;
    }
}
