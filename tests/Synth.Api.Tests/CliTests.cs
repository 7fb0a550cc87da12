using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Jobs;

namespace Synth.Api.Tests;

/// <summary><c>synth submit|status|pause|resume|cancel</c> as a separate process against the real API on a Kestrel port.</summary>
public sealed class CliTests : IDisposable
{
    private readonly ApiFactory _factory = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-cli-api-").FullName;
    private readonly string _url;

    public CliTests()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        _url = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    private async Task<(int ExitCode, string Output)> SynthAsync(string? key, string? url, params string[] arguments)
    {
        using var synth = ChildProcess.StartDotnet("synth " + arguments[0], RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), arguments,
            new Dictionary<string, string?> { ["SYNTH_API_URL"] = url ?? _url, ["SYNTH_API_KEY"] = key }, _directory);
        var exitCode = await synth.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(ApiFactory.AliceKey, synth.Output, StringComparison.Ordinal);
        return (exitCode, synth.Output);
    }

    private async Task<string> SpecFileAsync(string text)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task Submit_status_pause_resume_and_cancel_a_job_of_a_running_api()
    {
        var spec = await SpecFileAsync(JobApiTests.Spec("cli-job"));

        var submit = await SynthAsync(ApiFactory.AliceKey, null, "submit", spec);
        var all = await SynthAsync(ApiFactory.AliceKey, null, "status");
        var pause = await SynthAsync(ApiFactory.AliceKey, null, "pause", "cli-job");
        await WaitForStateAsync(state => state == JobState.Paused);
        var resume = await SynthAsync(ApiFactory.AliceKey, null, "resume", "cli-job");
        await WaitForStateAsync(state => state != JobState.Paused);
        var cancel = await SynthAsync(ApiFactory.AliceKey, null, "cancel", "cli-job", "--reason", "enough");
        await WaitForStateAsync(state => state == JobState.Cancelled);
        var pauseCancelled = await SynthAsync(ApiFactory.AliceKey, null, "pause", "cli-job");
        var one = await SynthAsync(ApiFactory.AliceKey, null, "status", "cli-job");

        Assert.True(submit.ExitCode == 0, submit.Output);
        Assert.Contains("Submitted job cli-job (submitted, target 20 samples)", submit.Output, StringComparison.Ordinal);
        Assert.True(all.ExitCode == 0, all.Output);
        Assert.Contains("cli-job  submitted", all.Output, StringComparison.Ordinal);
        Assert.Contains("spent 0/40 requests", all.Output, StringComparison.Ordinal);
        Assert.True((pause.ExitCode, resume.ExitCode, cancel.ExitCode) == (0, 0, 0), pause.Output + resume.Output + cancel.Output);
        Assert.Contains("Sent pause to job cli-job", pause.Output, StringComparison.Ordinal);
        Assert.Equal(4 /* Conflict */, pauseCancelled.ExitCode);
        Assert.Contains("not allowed now (409): Job 'cli-job' is cancelled: it cannot be paused.", pauseCancelled.Output, StringComparison.Ordinal);
        Assert.True(one.ExitCode == 0, one.Output);
        Assert.Contains("cli-job  cancelled", one.Output, StringComparison.Ordinal);
        Assert.Contains("submitted -> paused", one.Output, StringComparison.Ordinal);
        Assert.Contains("-> cancelled", one.Output, StringComparison.Ordinal);
        Assert.Contains("enough", one.Output, StringComparison.Ordinal);
    }

    /// <summary>The control plane makes transitions asynchronously: wait for the stored job.</summary>
    private async Task WaitForStateAsync(Func<JobState, bool> reached)
    {
        var store = await _factory.StoreAsync();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!reached((await store.GetJobAsync("cli-job", CancellationToken.None))!.State))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the job did not reach the state in 30 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Errors_are_clear_invalid_spec_wrong_key_unknown_job_and_unreachable_api()
    {
        var spec = await SpecFileAsync(JobApiTests.Spec("cli-bad").Replace("  model: m", "  model: m\n  temperatur: 0.5", StringComparison.Ordinal));
        var closedPort = ClosedPort();

        var invalid = await SynthAsync(ApiFactory.AliceKey, null, "submit", spec);
        var wrongKey = await SynthAsync("wrong-key-0123456789abcdef", null, "status");
        var noKey = await SynthAsync(null, null, "status");
        var unknown = await SynthAsync(ApiFactory.AliceKey, null, "resume", "no-such-job");
        var unreachable = await SynthAsync(ApiFactory.AliceKey, $"http://127.0.0.1:{closedPort}", "status");

        Assert.Equal(2 /* InvalidSpec */, invalid.ExitCode);
        Assert.Contains($"error: {spec}:12:3: generation.temperatur: unknown field 'temperatur'", invalid.Output, StringComparison.Ordinal);
        Assert.Equal(1 /* Failed */, wrongKey.ExitCode);
        Assert.Contains("refused the key (401)", wrongKey.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-0123456789abcdef", wrongKey.Output, StringComparison.Ordinal);
        Assert.Equal(1 /* Failed */, noKey.ExitCode);
        Assert.Contains("no API key: pass --api-key or set SYNTH_API_KEY", noKey.Output, StringComparison.Ordinal);
        Assert.Equal(3 /* NotFound */, unknown.ExitCode);
        Assert.Contains("not found (404): No job 'no-such-job'.", unknown.Output, StringComparison.Ordinal);
        Assert.Equal(1 /* Failed */, unreachable.ExitCode);
        Assert.Contains($"cannot reach the API at http://127.0.0.1:{closedPort}/", unreachable.Output, StringComparison.Ordinal);
    }

    /// <summary>A port nothing listens on: bound, read and released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
