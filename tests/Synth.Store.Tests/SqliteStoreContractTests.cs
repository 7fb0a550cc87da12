using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Samples;
using Synth.Store.Sqlite;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Tests;

/// <summary>A database file of its own for each test class, deleted afterwards.</summary>
public sealed class TempDirectoryFixture : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "synth-store-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the directory can go.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

public sealed class SqliteStoreContractTests(TempDirectoryFixture directory) : StoreContractTests, IClassFixture<TempDirectoryFixture>
{
    // A subdirectory that does not exist yet: the store creates it.
    private string DatabasePath => Path.Combine(directory.Path, "data", "store.db");

    protected override SynthStores CreateStores() => SqliteStores.Open(DatabasePath);

    protected override Task<bool> RequestWritesAreAtomicAsync() => Task.FromResult(true);

    [Fact]
    public async Task The_database_is_in_wal_mode()
    {
        await NewStoreAsync();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync() as string);
    }

    /// <summary>
    /// Two child processes (this test assembly run as a console, see <see cref="Program"/>) and this process write
    /// into one file at the same time, both through single samples and request transactions; nothing is lost.
    /// </summary>
    [Fact]
    public async Task Several_processes_share_one_database_file()
    {
        const int perWriter = 300;
        var store = await NewStoreAsync();
        var jobId = NewJobId();
        var children = Enumerable.Range(1, 2).Select(writer => StartWriter(jobId, writer, perWriter)).ToList();

        await Program.WriteSamplesAsync(store, jobId, writer: 0, perWriter);

        foreach (var child in children)
        {
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(child.ExitCode == 0, $"writer exited {child.ExitCode}: {await child.StandardError.ReadToEndAsync()}");
        }
        var counts = await store.CountAsync(jobId, Ct);
        Assert.Equal(3 * perWriter, counts[SampleState.Generated]);
        Assert.Equal(3 * perWriter / Program.SamplesPerRequest / 2, counts.RequestsSucceeded);
    }

    private Process StartWriter(string jobId, int writer, int count)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["exec", typeof(Program).Assembly.Location, Program.WriteSamplesCommand, DatabasePath, jobId, writer.ToString(), count.ToString()])
        {
            info.ArgumentList.Add(argument);
        }
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the writer process.");
    }

    /// <summary>The dotnet host running this test (the test host is started by it), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";
}
