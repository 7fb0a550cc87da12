using Synth.Jobs;

namespace Synth.Cli;

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

    /// <summary>Refuses a spec naming a key variable that is not set: one line per variable, at its line in the spec.</summary>
    /// <returns>Null when every named variable is set; otherwise the exit code to return.</returns>
    public static int? UnsetKeyVariables(FileInfo jobFile, string specText)
    {
        var unset = JobSpecLoader.UnsetKeyVariables(specText, jobFile.FullName, Environment.GetEnvironmentVariable);
        if (unset.Count == 0)
        {
            return null;
        }

        foreach (var error in unset)
        {
            Console.Error.WriteLine($"error: {error}");
        }

        Console.Error.WriteLine("hint: export the variable with the endpoint's API key, or delete the apiKeyEnv line if the endpoint needs no key.");
        return ExitCodes.Failed;
    }
}
