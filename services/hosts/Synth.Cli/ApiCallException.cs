using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Synth.Cli;

/// <summary>An API call that failed, with the message to print and the exit code.</summary>
public sealed class ApiCallException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The message is one line per spec error, each starting with line:column.</summary>
    public bool IsSpecError { get; init; }
}
