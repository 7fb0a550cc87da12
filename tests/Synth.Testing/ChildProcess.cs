using System.Diagnostics;
using System.Text;

namespace Synth.Testing;

/// <summary>
/// A .NET program started as a separate OS process, its output captured (kept for failure messages).
/// <see cref="Kill"/> is SIGKILL: no shutdown code runs, as in a crash.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess StartDotnet(string name, string assemblyPath, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null) =>
        Start(name, "dotnet", [assemblyPath, .. arguments], environment, workingDirectory ?? Path.GetDirectoryName(assemblyPath)!);

    /// <summary>Any program on the PATH (git, dotnet with a command such as <c>run</c>).</summary>
    public static ChildProcess Start(string name, string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGKILL, like a crash: no graceful shutdown.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM: the host's graceful shutdown.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        Posix.Kill(_process.Id, Posix.SigTerm);
        return _process.WaitForExit(timeout);
    }

    /// <summary>Waits for the process to exit (after <see cref="Terminate"/> with no wait, say); false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}. Output:\n{Tail()}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The last lines of output, for assertion messages.</summary>
    public string Tail(int lines = 60)
    {
        var all = Output.Split('\n');
        return $"--- {Name} (pid {SafeId()}) ---\n" + string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private string SafeId()
    {
        try
        {
            return _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
        }
    }
}

internal static partial class Posix
{
    public const int SigTerm = 15;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
