using System.Globalization;

namespace Synth.TestProcessors;

/// <summary>Environment knobs the tests set on the processes they start.</summary>
internal static class TestKnobs
{
    /// <summary>Milliseconds each processor call waits, so a test can kill a process mid-stream.</summary>
    public static int DelayMs(string stageVariable) => Int(stageVariable) ?? Int("SYNTH_TEST_DELAY_MS") ?? 0;

    /// <summary>File the generator appends one line per call to, so a test can prove no stored request is sent again.</summary>
    public static string? CallLog => Environment.GetEnvironmentVariable("SYNTH_TEST_CALL_LOG");

    /// <summary>Every n-th scripted sample is marked "[poison]", so the filter throws on it (0: none).</summary>
    public static int PoisonEvery => Int("SYNTH_TEST_POISON_EVERY") ?? 0;

    private static int? Int(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
