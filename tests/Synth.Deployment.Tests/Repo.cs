using System.Xml.Linq;
using Synth.Contracts.Samples;

namespace Synth.Deployment.Tests;

/// <summary>Paths of the repository these tests check, found from the test assembly's location.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string ComposePath => Path.Combine(Root, "docker-compose.yml");

    public static string Full(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    /// <summary>The one worker host: every stage and the controller are roles of its image.</summary>
    public const string WorkerFolder = "services/hosts/Synth.Worker";

    /// <summary>The project folder of a stage's service: the worker's, for every stage.</summary>
    public static string ProjectFolder(Stage stage) => WorkerFolder;

    /// <summary>Compose service name of a stage: its kebab-case name (generator, filter, label-refiner, evaluator).</summary>
    public static string ServiceName(Stage stage) => stage.Name();

    public static IReadOnlyList<Stage> Stages { get; } = Enum.GetValues<Stage>();

    /// <summary>Every compose service that runs Synth code with its configuration bound from the environment.</summary>
    public static IReadOnlyList<SynthService> SynthServices { get; } =
    [
        .. Stages.Select(stage => new SynthService(ServiceName(stage), ProjectFolder(stage), stage, ConfigurationCatalog.OptionsFor(stage), WritesHealthFile: true)),
        new SynthService("controller", WorkerFolder, null, ConfigurationCatalog.ControllerOptions, WritesHealthFile: true),
        new SynthService("api", "services/hosts/Synth.Api", null, ConfigurationCatalog.ApiServiceOptions, WritesHealthFile: false),
        new SynthService("dataset-sink", WorkerFolder, null, ConfigurationCatalog.DatasetSinkServiceOptions, WritesHealthFile: true),
    ];

    /// <summary>Whether a project is an ASP.NET Core app (Sdk="Microsoft.NET.Sdk.Web").</summary>
    public static bool IsWebProject(string csprojRelative) =>
        XDocument.Load(Full(csprojRelative)).Root?.Attribute("Sdk")?.Value == "Microsoft.NET.Sdk.Web";

    /// <summary>AssemblyName of a project (its file name unless the project sets one).</summary>
    public static string AssemblyName(string csprojPath) =>
        XDocument.Load(csprojPath).Descendants("AssemblyName").LastOrDefault()?.Value.Trim() is { Length: > 0 } name
            ? name
            : Path.GetFileNameWithoutExtension(csprojPath);

    /// <summary>A project and every project it references, directly or not, as repository-relative paths with '/'.</summary>
    public static IReadOnlySet<string> ProjectClosure(string csprojRelative)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Normalize(csprojRelative)]);
        while (pending.Count > 0)
        {
            var project = pending.Pop();
            if (!result.Add(project))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Full(project))!;
            foreach (var reference in XDocument.Load(Full(project)).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', '/');
                pending.Push(Normalize(Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(folder, include)))));
            }
        }

        return result;
    }

    public static string Normalize(string relative) => relative.Replace('\\', '/').TrimStart('.', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Synth.Streaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Synth.Streaming.sln above '{AppContext.BaseDirectory}'.");
    }
}

/// <summary>A compose service running a Synth host: its project folder, its stage (if a stage) and the options it binds.</summary>
public sealed record SynthService(string Name, string ProjectFolder, Stage? Stage, IReadOnlyList<Type> Options, bool WritesHealthFile)
{
    public IReadOnlyList<ConfigurationKey> Keys { get; } = Options.SelectMany(ConfigurationCatalog.KeysOf).ToList();
}
