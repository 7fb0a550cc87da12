using Synth.Testing;

namespace Synth.EndToEnd.Tests;

/// <summary>A bad job spec stops <c>synth run</c> with an error naming the file, line and field, and a non-zero exit code.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-bad-").FullName;

    [Fact]
    public async Task Malformed_yaml_names_file_and_line()
    {
        var spec = Write("malformed.yaml", "name: broken\ntask:\n  type: text-classification\n  labels: [positive\ngeneration:\n  target: 10\n");
        var (exit, output) = await RunAsync(spec);
        Assert.Equal(2, exit);
        Assert.Matches(@"malformed\.yaml:\d+:\d+", output);
    }

    [Fact]
    public async Task Unknown_field_names_file_line_and_field()
    {
        var spec = Write("unknown.yaml", TestJob.Spec("unknown-field", 10, 1).Replace("  target: 10", "  target: 10\n  temprature: 0.3", StringComparison.Ordinal));
        var (exit, output) = await RunAsync(spec);
        Assert.Equal(2, exit);
        var line = File.ReadAllLines(spec).ToList().FindIndex(l => l.Contains("temprature", StringComparison.Ordinal)) + 1;
        Assert.Contains($"unknown.yaml:{line}:", output, StringComparison.Ordinal);
        Assert.Contains("generation.temprature", output, StringComparison.Ordinal);
        Assert.Contains("temperature", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_file_is_an_error()
    {
        var (exit, output) = await RunAsync(Path.Combine(_directory, "absent.yaml"));
        Assert.Equal(2, exit);
        Assert.Contains("absent.yaml", output, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(int Exit, string Output)> RunAsync(string spec)
    {
        using var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"),
            ["run", spec, "--store", Path.Combine(_directory, "synth.db")], TestJob.ProcessorEnvironment(), _directory);
        var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (exit, run.Output);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
