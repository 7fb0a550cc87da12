using System.Text.RegularExpressions;

namespace Synth.Architecture.Tests;

/// <summary>
/// The folders under services/ are the architecture (docs/architecture.md): core ← adapters ← stages ← control ←
/// hosts. A project may reference its own group and the groups before it, with the exceptions below; nothing points
/// up, adapters never reference each other, a stage never references another stage.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly IReadOnlyList<ServiceProject> Projects = ProjectGraph.Load();
    private static readonly Dictionary<string, ServiceProject> ByName = Projects.ToDictionary(p => p.Name);

    [Fact]
    public void Every_service_project_sits_in_one_of_the_architecture_folders()
    {
        Assert.NotEmpty(Projects);
        var misplaced = Projects.Where(p => !ProjectGraph.Groups.Contains(p.Group)).Select(p => p.Folder).ToList();
        Assert.True(misplaced.Count == 0, $"Projects outside {string.Join(", ", ProjectGraph.Groups)}: {string.Join(", ", misplaced)}");
    }

    [Fact]
    public void No_reference_points_up()
    {
        var violations = Edges()
            .Where(e => Rank(e.To.Group) > Rank(e.From.Group))
            .Select(e => $"{e.From.Folder} → {e.To.Folder}")
            .ToList();
        Assert.True(violations.Count == 0, "References that point up:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Adapters_never_reference_each_other()
    {
        var violations = Edges().Where(e => e.From.Group == "adapters" && e.To.Group == "adapters")
            .Select(e => $"{e.From.Name} → {e.To.Name}").ToList();
        Assert.True(violations.Count == 0, "Adapter → adapter references:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void A_stage_references_no_other_stage()
    {
        var violations = Edges().Where(e => e.From.StageName is { } from && e.To.StageName is { } to && from != to)
            .Select(e => $"{e.From.Name} → {e.To.Name}").ToList();
        Assert.True(violations.Count == 0, "Stage → other stage references:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Algorithm_libraries_reference_only_the_contracts()
    {
        var algorithms = Projects.Where(p => p.IsAlgorithmLibrary).ToList();
        Assert.NotEmpty(algorithms);
        var violations = algorithms.SelectMany(p => p.References.Where(r => r != "Synth.Contracts").Select(r => $"{p.Name} → {r}")).ToList();
        Assert.True(violations.Count == 0, "An algorithm library may reference only Synth.Contracts:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Service_defaults_reference_no_project()
    {
        // Like eShop's: telemetry, health and options only, so every host can take it without the rest.
        var defaults = ByName["Synth.ServiceDefaults"];
        Assert.Empty(defaults.References);
    }

    [Fact]
    public void No_project_references_a_host_except_the_service_defaults()
    {
        var violations = Edges().Where(e => e.To.Group == "hosts" && e.To.Name != "Synth.ServiceDefaults")
            .Select(e => $"{e.From.Name} → {e.To.Name}").ToList();
        Assert.True(violations.Count == 0, "References to a host:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_worker_host_holds_only_wiring_and_options()
    {
        // A host is Program.cs, options and static wiring; a class with behaviour belongs in a module it registers.
        var worker = ByName["Synth.Worker"];
        var declarations = SourceFiles(worker)
            .SelectMany(f => TypeDeclaration().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Match: m)))
            .ToList();
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(Synth.Testing.RepoPaths.Root, worker.Folder), "Program.cs"));
        var violations = declarations
            .Where(d => !d.Match.Groups["modifiers"].Value.Contains("static", StringComparison.Ordinal)
                && !d.Match.Groups["name"].Value.EndsWith("Options", StringComparison.Ordinal))
            .Select(d => $"{d.File}: {d.Match.Groups["kind"].Value} {d.Match.Groups["name"].Value}")
            .ToList();
        Assert.True(violations.Count == 0, "Types with behaviour in the worker host:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_namespace_starts_with_its_project_name()
    {
        // Where a type lives follows from its name: project, then the folder inside it.
        var declared = Projects
            .SelectMany(p => SourceFiles(p).SelectMany(f => NamespaceDeclaration().Matches(File.ReadAllText(f))
                .Select(m => (Project: p.Name, File: f, Namespace: m.Groups["name"].Value))))
            .ToList();
        Assert.True(declared.Count > 200, $"Only {declared.Count} namespace declarations found under services/.");
        var violations = declared
            .Where(d => d.Namespace != d.Project && !d.Namespace.StartsWith(d.Project + ".", StringComparison.Ordinal))
            .Select(d => $"{Path.GetRelativePath(Synth.Testing.RepoPaths.Root, d.File)}: namespace {d.Namespace} (project {d.Project})")
            .ToList();
        Assert.True(violations.Count == 0, "Namespaces outside their project's:\n" + string.Join("\n", violations));
    }

    private static IEnumerable<string> SourceFiles(ServiceProject project) =>
        Directory.EnumerateFiles(Path.Combine(Synth.Testing.RepoPaths.Root, project.Folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^(?<modifiers>(?:(?:public|internal|private|sealed|static|partial|abstract|file)\s+)*)(?<kind>class|record|struct|interface)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    private static int Rank(string group) => Array.IndexOf(ProjectGraph.Groups, group);

    private static IEnumerable<(ServiceProject From, ServiceProject To)> Edges() =>
        Projects.SelectMany(p => p.References.Where(ByName.ContainsKey).Select(r => (p, ByName[r])));
}
