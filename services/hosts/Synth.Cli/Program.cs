using System.CommandLine;
using Synth.Cli;

var parse = SynthCommand.Create().Parse(args);
CliErrors.Verbose = parse.GetValue(SynthCommand.Verbose);
try
{
    // Errors are ours to report (one line and a hint), not System.CommandLine's (a stack trace).
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception error) when (error is not OutOfMemoryException)
{
    return CliErrors.Unexpected(error);
}
