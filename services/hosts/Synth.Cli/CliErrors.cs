namespace Synth.Cli;

/// <summary>
/// How the CLI reports a failure: one line saying what went wrong and one saying what to do, never a stack trace
/// unless <c>--verbose</c> asked for it.
/// </summary>
public static class CliErrors
{
    /// <summary>Set from <c>--verbose</c> before a command runs.</summary>
    public static bool Verbose { get; set; }

    /// <summary>Prints the error and its hint (and, with --verbose, the exception in full); returns <paramref name="exitCode"/>.</summary>
    public static int Fail(string message, string hint, Exception? detail = null, int exitCode = ExitCodes.Failed)
    {
        Console.Error.WriteLine($"error: {OneLine(message)}");
        Console.Error.WriteLine($"hint: {hint}");
        if (detail is not null && Verbose)
        {
            Console.Error.WriteLine(detail);
        }

        return exitCode;
    }

    /// <summary>An exception no command expected: its message only, and how to see the rest.</summary>
    public static int Unexpected(Exception error) =>
        Fail(error.Message, Verbose ? "the details follow." : "rerun with --verbose to see the details.", error);

    // Messages from libraries can span lines (an inner SDK error body); the first line is the error.
    private static string OneLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? message : message[..end];
    }
}
