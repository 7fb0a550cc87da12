using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synth.Jobs;
using Synth.ControlPlane;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.ServiceDefaults;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

/// <summary>Runs only where a RabbitMQ answers (SYNTH_RABBITMQ_HOST; infra/rabbitmq/start-rabbitmq.sh starts one).</summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SYNTH_RABBITMQ_HOST") is not { Length: > 0 })
        {
            Skip = "SYNTH_RABBITMQ_HOST is not set (bash infra/rabbitmq/start-rabbitmq.sh prints it).";
        }
    }
}

/// <summary>
/// The deployment's shape as OS processes: the controller and the four stage services on RabbitMQ and the local Kafka
/// broker host, one SQLite file as the store. A job submitted through IJobControl completes although the controller
/// is killed (SIGKILL) while the job generates and started again.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ControllerRestartTests(ITestOutputHelper output)
{
    private static readonly string[] Stages = ["generator", "filter", "label-refiner", "evaluator"];

    [RabbitMqFact]
    public async Task A_job_completes_with_its_transitions_recorded_when_the_controller_is_killed_mid_job_and_restarted()
    {
        const string jobId = "e2e-controller-restart";
        const int target = 600;
        var directory = Directory.CreateTempSubdirectory("synth-e2e-controller-").FullName;
        // A virtual host of its own: other tests on the same RabbitMQ use the same queue names.
        var virtualHost = $"synth-e2e-{Guid.NewGuid():N}";
        RabbitMqCtl("add_vhost", virtualHost);
        RabbitMqCtl("set_permissions", "-p", virtualHost, "guest", ".*", ".*", ".*");
        var processes = new List<ChildProcess>();
        await using var broker = await KafkaBrokerProcess.StartAsync();
        try
        {
            var environment = TestJob.ProcessorEnvironment();
            environment["Kafka__BootstrapServers"] = broker.Bootstrap;
            foreach (var (key, value) in KafkaBrokerProcess.FastTestSettings)
            {
                environment[$"Kafka__Settings__{key}"] = value;
            }

            environment["Store__Provider"] = "Sqlite";
            environment["Store__SqlitePath"] = Path.Combine(directory, "synth.db");
            environment["ControlPlane__Transport"] = "RabbitMq";
            environment["ControlPlane__RabbitMqHost"] = Environment.GetEnvironmentVariable("SYNTH_RABBITMQ_HOST");
            environment["ControlPlane__RabbitMqVirtualHost"] = virtualHost;
            environment["ControlPlane__RunStateMachine"] = "false";
            environment["ControlPlane__JobFilesRoot"] = directory;
            environment["Logging__LogLevel__Default"] = "Information";

            var controllerGeneration = 0;
            ChildProcess StartController()
            {
                var controllerEnvironment = new Dictionary<string, string?>(environment)
                {
                    ["ControlPlane__RunStateMachine"] = "true",
                    ["Synth__InstanceName"] = $"controller-{++controllerGeneration}",
                    ["Health__FilePath"] = Path.Combine(directory, "controller.health.json"),
                };
                var process = ChildProcess.StartDotnet("controller", RepoPaths.Worker, ["--stage", "controller"], controllerEnvironment, directory);
                processes.Add(process);
                return process;
            }

            var controller = StartController();
            foreach (var name in Stages)
            {
                var stageEnvironment = new Dictionary<string, string?>(environment)
                {
                    ["Synth__InstanceName"] = $"{name}-1",
                    ["Health__FilePath"] = Path.Combine(directory, $"{name}.health.json"),
                };
                processes.Add(ChildProcess.StartDotnet(name, RepoPaths.Worker, ["--stage", name], stageEnvironment, directory));
            }

            // The test submits as the api would: a participant's IJobControl (no state machine) on the same bus.
            using var submitter = await StartSubmitterAsync(environment);
            await WaitForHealthyAsync(directory, ["controller", .. Stages], processes);
            var store = submitter.Services.GetRequiredService<ISampleStore>();
            await submitter.Services.GetRequiredService<IJobControl>().SubmitAsync(TestJob.Spec(jobId, target, 5), "controller-restart.yaml", SpecSource.Operator, CancellationToken.None);

            // Kill the controller once generation is under way, then start a new one on the same store.
            await WaitForAsync(async () => (await store.GetJobAsync(jobId, CancellationToken.None))?.State == JobState.Generating
                && (await store.CountAsync(jobId, CancellationToken.None)).TotalSamples > 0, TimeSpan.FromMinutes(2), processes);
            controller.Kill();
            var killedAt = (await store.CountAsync(jobId, CancellationToken.None)).TotalSamples;
            output.WriteLine($"controller killed with {killedAt} samples stored");
            StartController();

            var clock = Stopwatch.StartNew();
            await WaitForAsync(async () => (await store.GetJobAsync(jobId, CancellationToken.None))?.State == JobState.Completed,
                TimeSpan.FromMinutes(4), processes.Where(p => p != controller).ToList());
            output.WriteLine($"completed {clock.Elapsed.TotalSeconds:F1} s after the restart");

            var job = (await store.GetJobAsync(jobId, CancellationToken.None))!;
            var path = job.Transitions.Select(t => t.To).ToList();
            Assert.Equal([JobState.Generating, JobState.Draining, JobState.Evaluating, JobState.Completed], path.Where(s => s != JobState.Submitted).Distinct());
            Assert.All(job.Transitions.Zip(job.Transitions.Skip(1)), pair => Assert.True(pair.First.At <= pair.Second.At));
            var counts = await store.CountAsync(jobId, CancellationToken.None);
            // Every sample decided; the target counts curated samples, so the rejected ones were made up for.
            Assert.Equal(counts.TotalSamples, counts[SampleState.Evaluated] + counts[SampleState.Rejected]);
            Assert.True(counts[SampleState.Evaluated] >= target, $"{counts[SampleState.Evaluated]} of {target} curated");
            Assert.Equal(0, counts.Failures);
        }
        catch (Exception) when (Dump(processes))
        {
            throw;
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }

            RabbitMqCtl("delete_vhost", virtualHost);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private bool Dump(IEnumerable<ChildProcess> processes)
    {
        foreach (var process in processes)
        {
            output.WriteLine(process.Tail(40));
        }

        return false;
    }

    private static async Task<IHost> StartSubmitterAsync(IReadOnlyDictionary<string, string?> environment)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(environment
            .Where(e => e.Key.StartsWith("Store__", StringComparison.Ordinal) || e.Key.StartsWith("ControlPlane__", StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
        builder.AddSynthDefaults("synth-e2e-submitter");
        builder.Services.AddSynthStore().AddSqliteStore();
        builder.AddSynthControlPlane();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task WaitForHealthyAsync(string directory, IEnumerable<string> names, IReadOnlyList<ChildProcess> processes)
    {
        foreach (var name in names)
        {
            var path = Path.Combine(directory, $"{name}.health.json");
            await WaitForAsync(() => Task.FromResult(File.Exists(path) && File.ReadAllText(path).StartsWith("{\"status\":\"Healthy\"", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(1), processes);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, IReadOnlyList<ChildProcess> processes)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited with {dead.ExitCode}.\n{dead.Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not reached after {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    private static void RabbitMqCtl(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("rabbitmqctl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("rabbitmqctl did not start.");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}");
        }
    }
}
