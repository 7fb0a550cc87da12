using System.CommandLine;

namespace Synth.Cli;

/// <summary>The command tree of the synth CLI.</summary>
public static class SynthCommand
{
    /// <summary>Shows an error's full detail (the stack trace) as well as its one line.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show an error's full detail (stack trace) after its one-line message.",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var jobArgument = new Argument<FileInfo>("job") { Description = "The job spec (YAML), see docs/job-spec.md." };
        var storeOption = new Option<string?>("--store")
        {
            Description = "SQLite database file of the run (default: Store:SqlitePath, .synth/synth.db). Rerunning with the same store resumes the job.",
        };
        var retryFailedOption = new Option<bool>("--retry-failed")
        {
            Description = "Send the job's failed requests again (their failures stay on record). Without it a rerun only sends requests never recorded.",
        };
        var run = new Command("run", "Run a job on this machine: every stage in one process, SQLite store, progress shown.")
        {
            jobArgument,
            storeOption,
            retryFailedOption,
        };
        run.SetAction((parse, cancellationToken) =>
            RunCommand.ExecuteAsync(parse.GetRequiredValue(jobArgument), parse.GetValue(storeOption), parse.GetValue(retryFailedOption), cancellationToken));

        var validateArgument = new Argument<FileInfo>("job") { Description = "The job spec (YAML) to check." };
        var validate = new Command("validate", "Check a job spec and report every error with its file, line and field.")
        {
            validateArgument,
        };
        validate.SetAction(parse => ValidateCommand.Execute(parse.GetRequiredValue(validateArgument)));

        return new RootCommand("Synth.Streaming: generate, curate and evaluate synthetic training data with LLMs.")
        {
            run,
            validate,
            ReplayCommand.Create(),
            RefineCommand.Create(),
            ReportCommand.Create(),
            ExportCommand.Create(),
            CompareCommand.Create(),
            ModelsCommand.Create(),
            ApiCommands.Submit(),
            ApiCommands.Status(),
            ApiCommands.Lifecycle("pause"),
            ApiCommands.Lifecycle("resume"),
            ApiCommands.Lifecycle("cancel"),
            Verbose,
        };
    }
}
