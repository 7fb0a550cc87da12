namespace Synth.Testing;

/// <summary>Finds the repository and the build output of its projects from a test's own location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Debug" or "Release": the configuration the running tests were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The worker host's built assembly: every stage and the controller, chosen by <c>--stage</c>.</summary>
    public static string Worker => Output("services/hosts/Synth.Worker", "Synth.Worker.dll");

    /// <summary>Built assembly of a project, e.g. ("services/hosts/Synth.Worker", "Synth.Worker.dll").</summary>
    public static string Output(string projectFolder, string assemblyFile)
    {
        var path = Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0", assemblyFile);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"'{path}' is not built; build the solution first (dotnet build Synth.Streaming.sln -c {Configuration}).", path);
    }

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
