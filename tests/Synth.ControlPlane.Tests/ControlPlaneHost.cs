using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synth.ControlPlane;
using Synth.Contracts.Jobs;
using Synth.Generation.Processor;
using Synth.ServiceDefaults;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;

namespace Synth.ControlPlane.Tests;

/// <summary>
/// A one-machine host as <c>AddInProcessPipeline</c> builds it: the state machine, every stage in process, the test
/// processors (or the built-in generator), on the chosen transport, with its store in <paramref name="directory"/>.
/// </summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private ControlPlaneHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;
    public IJobControl Jobs => Services.GetRequiredService<IJobControl>();
    public ISampleStore Store => Services.GetRequiredService<ISampleStore>();
    public IReportStore Reports => Services.GetRequiredService<IReportStore>();

    public static IEnumerable<object[]> Transports()
    {
        yield return ["InMemory"];
        if (Environment.GetEnvironmentVariable("SYNTH_RABBITMQ_HOST") is { Length: > 0 })
        {
            yield return ["RabbitMq"];
        }
    }

    public static async Task<ControlPlaneHost> StartAsync(string directory, string transport, string instance = "host-a",
        IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("SYNTH_TEST_LOGS") is { Length: > 0 })
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information);
        }
        var configuration = new Dictionary<string, string?>
        {
            ["Store:SqlitePath"] = Path.Combine(directory, "synth.db"),
            ["Synth:InstanceName"] = instance,
            ["ControlPlane:Transport"] = transport,
            ["ControlPlane:RabbitMqHost"] = Environment.GetEnvironmentVariable("SYNTH_RABBITMQ_HOST") ?? "localhost",
            ["ControlPlane:JobFilesRoot"] = directory,
            ["Processors:MaxConcurrentRequests"] = "2",
        };
        foreach (var (key, value) in TestJob.ProcessorEnvironment())
        {
            configuration[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddSynthDefaults("synth-control-plane-test");
        builder.Services.AddSynthStore().AddSqliteStore();
        builder.Services.AddHostedService<StoreInitialization>();
        builder.Services.AddGeneratorStage();
        builder.AddInProcessPipeline();
        var host = builder.Build();
        await host.StartAsync();
        return new ControlPlaneHost(host);
    }

    /// <summary>Collects every message of type <typeparamref name="T"/> published on the bus from now on.</summary>
    public async Task<List<T>> ObserveAsync<T>(string name)
        where T : class
    {
        var seen = new List<T>();
        var handle = Services.GetRequiredService<IBus>().ConnectReceiveEndpoint($"test-observer-{name}-{Guid.NewGuid():N}", e =>
            e.Handler<T>(context =>
            {
                lock (seen)
                {
                    seen.Add(context.Message);
                }

                return Task.CompletedTask;
            }));
        await handle.Ready;
        return seen;
    }

    public async Task<JobDocument> WaitForStateAsync(string jobId, JobState state, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        JobDocument? job = null;
        while (DateTime.UtcNow < deadline)
        {
            job = await Store.GetJobAsync(jobId, CancellationToken.None);
            if (job?.State == state)
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {jobId} did not reach {state}; it is {job?.State} ({job?.StateReason}); transitions: "
            + string.Join(", ", job?.Transitions.Select(t => $"{t.From}->{t.To} ({t.Reason})") ?? []));
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Timed out waiting until {what}.");
    }

    /// <summary>Stops the host without disposing it, as WebApplicationFactory does first.</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(30));
        _stopped = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync();
        }

        _host.Dispose();
    }
}
