using System.Text.RegularExpressions;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// What a newcomer does first: a fresh clone of this repository, then the README's main command exactly as written,
/// against an OpenAI-compatible server where the example expects one (Ollama's address). The command must build without
/// a single warning, run the job and write its report.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class NewcomerTests : IAsyncLifetime
{
    /// <summary>The address the main example's spec names (provider: auto uses it when it answers).</summary>
    private const int ExamplePort = 11434;

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-newcomer-").FullName;
    private ScriptedChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedChatServer.StartAsync(ExamplePort);

    [Fact]
    public async Task A_fresh_clone_runs_the_readme_main_command_as_written_without_a_build_warning_and_writes_a_report()
    {
        var command = MainCommand(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md")));
        Assert.Equal("dotnet", command[0]);
        var clone = Path.Combine(_directory, "synth-streaming");
        using (var git = ChildProcess.Start("git clone", "git", ["clone", "--quiet", RepoPaths.Root, clone], new Dictionary<string, string?>(), _directory))
        {
            Assert.True(await git.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, git.Tail());
        }

        var served = 0;
        _server.Default = ScriptedReply.AnswerFrom(_ =>
        {
            var request = Interlocked.Increment(ref served);
            var items = Enumerable.Range(0, 4).Select(i => i % 2 == 0
                ? $$"""{"text":"Order {{request}}-{{i}}: the blender crushes ice in seconds and I use it every morning.","label":"positive"}"""
                : $$"""{"text":"Order {{request}}-{{i}}: the kettle stopped heating after a week and support never replied.","label":"negative"}""");
            return $$"""{"samples":[{{string.Join(',', items)}}]}""";
        });

        // A newcomer's machine has no model in its cache; the endpoint answering must be enough.
        var environment = new Dictionary<string, string?> { ["SYNTH_MODELS_DIR"] = Path.Combine(_directory, "models") };
        using var run = ChildProcess.Start("README main command", command[0], command.Skip(1), environment, clone);
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(20)) == 0, run.Tail());

        var output = run.Output;
        Assert.True(!BuildWarning().IsMatch(output), "The build printed warnings:\n" + string.Join('\n', BuildWarning().Matches(output).Select(m => m.Value)));
        var report = Assert.Single(Regex.Matches(output, @"^Report: (?<path>.+)$", RegexOptions.Multiline)).Groups["path"].Value.Trim();
        Assert.True(File.Exists(report), $"the report {report} was not written");
        Assert.StartsWith(clone, Path.GetFullPath(report), StringComparison.Ordinal);
        Assert.True(served > 0, "the command never called the endpoint");
    }

    /// <summary>The first command of the README's first code block that runs the main job.</summary>
    private static string[] MainCommand(string readme)
    {
        var line = readme.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("dotnet run ", StringComparison.Ordinal));
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex(@"\bwarning [A-Z]+[0-9]+\b.*")]
    private static partial Regex BuildWarning();
}
