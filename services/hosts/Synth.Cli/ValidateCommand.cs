using Synth.Jobs;

namespace Synth.Cli;

public static class ValidateCommand
{
    public static int Execute(FileInfo jobFile)
    {
        if (SpecFile.TryLoad(jobFile, out var spec, out _) is { } failure)
        {
            return failure;
        }

        Console.Out.WriteLine($"{jobFile.FullName}: valid (job id '{JobIds.Derive(spec!)}', target {spec!.Generation.Target} samples).");
        return ExitCodes.Success;
    }
}

/// <summary>Loads a spec for a command, printing every error (file:line:column: field: message) on failure.</summary>
internal static class SpecFile
{
    /// <returns>Null on success; otherwise the exit code to return.</returns>
    public static int? TryLoad(FileInfo jobFile, out Synth.Contracts.Jobs.JobSpec? spec, out string? specText)
    {
        spec = null;
        specText = null;
        if (!jobFile.Exists)
        {
            Console.Error.WriteLine($"error: job spec '{jobFile.FullName}' does not exist.");
            return ExitCodes.InvalidSpec;
        }

        try
        {
            specText = File.ReadAllText(jobFile.FullName);
            spec = JobSpecLoader.LoadFile(jobFile.FullName);
            return null;
        }
        catch (JobSpecException ex)
        {
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }

            return ExitCodes.InvalidSpec;
        }
    }
}
