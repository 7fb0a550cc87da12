namespace Synth.Cli.Tests;

/// <summary>Errors a user can cause, through the synth entry point: one line and a hint, the detail only with --verbose.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-cli-errors-").FullName;

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        using var synth = ChildProcess.StartDotnet("synth", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), arguments, TestJob.ProcessorEnvironment(), _directory);
        var exit = await synth.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, synth.Output);
    }

    [Fact]
    public async Task An_unset_key_variable_is_one_line_naming_it_and_its_place_in_the_spec()
    {
        const string variable = "SYNTH_CLI_TEST_KEY_THAT_IS_NEVER_SET";
        var spec = TestJob.Spec("unset-key", 4, 1).Replace("  target: 4", $"  target: 4\n  apiKeyEnv: {variable}", StringComparison.Ordinal);
        var path = Path.Combine(_directory, "unset-key.yaml");
        await File.WriteAllTextAsync(path, spec);
        var line = spec.Split('\n').ToList().FindIndex(l => l.Contains(variable, StringComparison.Ordinal)) + 1;

        var (exit, output) = await RunAsync("run", path, "--store", Path.Combine(_directory, "synth.db"));

        Assert.Equal(1, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"{path}:{line}:", error, StringComparison.Ordinal);
        Assert.Contains($"'{variable}'", error, StringComparison.Ordinal);
        Assert.Single(lines, l => l.StartsWith("hint:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_is_one_line_and_a_hint_and_verbose_adds_the_stack_trace()
    {
        var spec = TestJob.WriteSpec(_directory, "bad-store", 4, 1);
        // A store under a file cannot be created: the run fails after the spec was accepted.
        var blocker = Path.Combine(_directory, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "");
        var store = Path.Combine(blocker, "synth.db");

        var (exit, output) = await RunAsync("run", spec, "--store", store);
        var (verboseExit, verboseOutput) = await RunAsync("run", spec, "--store", store, "--verbose");

        Assert.Equal(1, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("hint:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Equal(1, verboseExit);
        Assert.Contains("   at ", verboseOutput, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
