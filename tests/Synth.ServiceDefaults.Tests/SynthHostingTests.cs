using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Synth.Messaging;
using Synth.Store;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;
using Synth.Worker;

namespace Synth.ServiceDefaults.Tests;

public sealed class SynthHostingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("synth-hosting-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AddSynthStore_returns_a_working_sqlite_store_at_the_configured_path()
    {
        var path = Path.Combine(_folder, "nested", "synth.db");
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Store:Provider"] = "Sqlite",
                ["Store:SqlitePath"] = path,
            }).Build())
            .AddSynthStore().AddSqliteStore().AddMongoStore()
            .BuildServiceProvider();

        var store = services.GetRequiredService<ISampleStore>();

        var sqlite = Assert.IsType<SqliteSampleStore>(store);
        Assert.Equal(Path.GetFullPath(path), sqlite.DatabasePath);
        await store.InitializeAsync(CancellationToken.None);
        Assert.True(File.Exists(path));
        Assert.Null(await store.GetJobAsync("no-such-job", CancellationToken.None));
        // One object per store interface, every one over the same file.
        Assert.IsType<SqliteReviewStore>(services.GetRequiredService<IReviewStore>());
        Assert.IsType<SqliteBudgetStore>(services.GetRequiredService<IBudgetStore>());
        Assert.Same(services.GetRequiredService<SynthStores>().Browse, services.GetRequiredService<IBrowseStore>());
    }

    [Fact]
    public void The_stage_host_resolves_the_configured_sqlite_store_as_a_singleton()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["Store:SqlitePath"] = Path.Combine(_folder, "host.db"),
            ["Synth:Stage"] = "evaluator",
        });
        builder.AddSynthWorker();
        using var host = builder.Build();

        var store = Assert.IsType<SqliteSampleStore>(host.Services.GetRequiredService<ISampleStore>());
        Assert.Equal(Path.Combine(_folder, "host.db"), store.DatabasePath);
        Assert.Same(store, host.Services.GetRequiredService<ISampleStore>());
    }

    // Regression: the container owns KafkaPublisher twice (itself and IMessagePublisher); a second Dispose threw ObjectDisposedException.
    [Fact]
    public void A_stage_host_whose_publisher_was_used_disposes_cleanly()
    {
        // Builds a producer (it only tries 127.0.0.1:9, a closed local port) without sending anything.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["Store:SqlitePath"] = Path.Combine(_folder, "dispose.db"),
            ["Synth:Stage"] = "filter",
        });
        builder.AddSynthWorker();
        var host = builder.Build();
        host.Services.GetRequiredService<IMessagePublisher>();

        var error = Record.Exception(host.Dispose);

        Assert.Null(error);
    }
}
