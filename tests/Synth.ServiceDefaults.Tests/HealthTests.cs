using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.ServiceDefaults.Tests;

public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

public sealed class HealthFilePublisherTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 30, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("synth-health-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static HealthFilePublisher Publisher(string? path) =>
        new(Options.Create(new HealthOptions { FilePath = path }), new FixedTime(Now));

    private static HealthReport Report(HealthStatus store, HealthStatus worker, string workerDescription = "running") => new(
        new Dictionary<string, HealthReportEntry>
        {
            ["store"] = new(store, "store reachable", TimeSpan.FromMilliseconds(3), null, null),
            ["worker"] = new(worker, workerDescription, TimeSpan.Zero, null, null),
        },
        TimeSpan.FromMilliseconds(3));

    [Fact]
    public async Task Writes_the_overall_status_time_and_every_check_as_json_to_the_configured_path()
    {
        // A folder that does not exist yet: the publisher creates it.
        var path = Path.Combine(_folder, "run", "health.json");

        await Publisher(path).PublishAsync(Report(HealthStatus.Healthy, HealthStatus.Degraded, "starting"), CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var root = json.RootElement;
        // Overall status is the report's (the worst entry).
        Assert.Equal("Degraded", root.GetProperty("status").GetString());
        Assert.Equal(Now, root.GetProperty("at").GetDateTimeOffset());
        var checks = root.GetProperty("checks");
        Assert.Equal(["store", "worker"], checks.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Healthy", checks.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("Degraded", checks.GetProperty("worker").GetProperty("status").GetString());
        Assert.Equal("starting", checks.GetProperty("worker").GetProperty("Description").GetString());
        Assert.Equal(["health.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Each_report_replaces_the_file_atomically_so_a_reader_never_sees_a_partial_file()
    {
        var path = Path.Combine(_folder, "health.json");
        var publisher = Publisher(path);
        await publisher.PublishAsync(Report(HealthStatus.Healthy, HealthStatus.Healthy), CancellationToken.None);

        using var done = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                // Any torn or half-written file would fail to parse here.
                using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
                Assert.Contains(json.RootElement.GetProperty("status").GetString(), new[] { "Healthy", "Unhealthy" });
                reads++;
            }
        });

        var longDescription = new string('x', 64 * 1024);
        for (var i = 0; i < 200; i++)
        {
            var report = i % 2 == 0
                ? Report(HealthStatus.Unhealthy, HealthStatus.Healthy, longDescription)
                : Report(HealthStatus.Healthy, HealthStatus.Healthy);
            await publisher.PublishAsync(report, CancellationToken.None);
        }

        await done.CancelAsync();
        await reader;
        Assert.True(reads > 0);
        using var last = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal("Healthy", last.RootElement.GetProperty("status").GetString());
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Without_a_path_nothing_is_written(string? path)
    {
        var before = Directory.GetFileSystemEntries(_folder);
        var current = Directory.GetCurrentDirectory();

        await Publisher(path).PublishAsync(Report(HealthStatus.Healthy, HealthStatus.Healthy), CancellationToken.None);

        Assert.Equal(before, Directory.GetFileSystemEntries(_folder));
        Assert.False(File.Exists(Path.Combine(current, ".tmp")));
    }
}

public sealed class HealthCheckTests
{
    private static Task<HealthCheckResult> Check(IHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext
    {
        Registration = new HealthCheckRegistration("test", check, HealthStatus.Unhealthy, null),
    });

    [Fact]
    public async Task The_worker_is_degraded_until_running_and_unhealthy_once_faulted()
    {
        var health = new WorkerHealth();

        var starting = await Check(health);
        Assert.Equal(HealthStatus.Degraded, starting.Status);
        Assert.Equal("starting", starting.Description);

        health.Running();
        Assert.Equal(HealthStatus.Healthy, (await Check(health)).Status);

        health.Faulted("KafkaException: broker down");
        var faulted = await Check(health);
        Assert.Equal(HealthStatus.Unhealthy, faulted.Status);
        Assert.Equal("KafkaException: broker down", faulted.Description);

        // A fault is final: running again does not hide it.
        health.Running();
        Assert.Equal(HealthStatus.Unhealthy, (await Check(health)).Status);
    }

    [Fact]
    public async Task A_fault_before_running_is_unhealthy_too()
    {
        var health = new WorkerHealth();
        health.Faulted("IOException: no job file");

        Assert.Equal(HealthStatus.Unhealthy, (await Check(health)).Status);
    }

    [Fact]
    public async Task The_store_check_is_healthy_while_the_store_answers_and_unhealthy_when_it_throws()
    {
        var folder = Directory.CreateTempSubdirectory("synth-store-health-").FullName;
        try
        {
            var store = SqliteStores.Open(Path.Combine(folder, "synth.db")).Samples;
            await store.InitializeAsync(CancellationToken.None);
            Assert.Equal(HealthStatus.Healthy, (await Check(new StoreHealthCheck(store))).Status);

            var broken = await Check(new StoreHealthCheck(new UnreachableStore()));
            Assert.Equal(HealthStatus.Unhealthy, broken.Status);
            Assert.Equal("store unreachable: TimeoutException", broken.Description);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class UnreachableStore : ISampleStore
    {
        private static Exception Down() => new TimeoutException("no answer");

        public Task InitializeAsync(CancellationToken cancellationToken) => throw Down();
        public Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken) => throw Down();
        public Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken) => throw Down();
        public Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken) => throw Down();
        public Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken) => throw Down();
        public Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken) => throw Down();
        public Task<SampleDocument?> GetSampleAsync(string sampleId, CancellationToken cancellationToken) => throw Down();
        public Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken) => throw Down();
        public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken) => throw Down();
        public Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken) => throw Down();
        public Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken) => throw Down();
        public Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken) => throw Down();
        public Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken) => throw Down();
        public Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken) => throw Down();
    }
}
