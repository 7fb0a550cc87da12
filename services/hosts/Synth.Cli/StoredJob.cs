using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Jobs;
using Synth.Store;

namespace Synth.Cli;

/// <summary>
/// A job named on the command line by its spec file or its id, with the store it is in — shared by
/// <c>synth report</c> and <c>synth export</c>.
/// </summary>
internal sealed record StoredJob(string JobId, JobSpec Spec, ISampleStore Store, IReportStore Reports, IHost Host) : IDisposable
{
    /// <returns>The job, or null after printing why not (with <paramref name="exitCode"/> set).</returns>
    public static async Task<(StoredJob? Job, int ExitCode)> OpenAsync(string specOrJobId, string? storePath, CancellationToken cancellationToken)
    {
        var builder = CliHost.CreateBuilder(storePath, logToStandardError: false);
        var host = builder.Build();
        var store = host.Services.GetRequiredService<ISampleStore>();
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        var reports = host.Services.GetRequiredService<IReportStore>();

        JobSpec spec;
        string jobId;
        if (File.Exists(specOrJobId))
        {
            if (SpecFile.TryLoad(new FileInfo(specOrJobId), out var loaded, out _) is { } failure)
            {
                host.Dispose();
                return (null, failure);
            }

            spec = loaded!;
            jobId = JobIds.Derive(spec);
        }
        else
        {
            jobId = specOrJobId;
            var stored = await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                Console.Error.WriteLine($"error: '{specOrJobId}' is neither a spec file nor a job in the store {Describe(host)}.");
                host.Dispose();
                return (null, ExitCodes.Failed);
            }

            spec = stored.RequireSpec();
        }

        if (await store.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) is null)
        {
            Console.Error.WriteLine($"error: job '{jobId}' has not run against the store {Describe(host)}; run it with `synth run` first.");
            host.Dispose();
            return (null, ExitCodes.Failed);
        }

        return (new StoredJob(jobId, spec, store, reports, host), ExitCodes.Success);
    }

    private static string Describe(IHost host) =>
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StoreOptions>>().Value is { Provider: StoreProvider.Sqlite } o
            ? $"'{Path.GetFullPath(o.SqlitePath)}'"
            : "(configured under Store)";

    public void Dispose() => Host.Dispose();
}
