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
