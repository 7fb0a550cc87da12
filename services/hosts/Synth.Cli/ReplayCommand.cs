using System.CommandLine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.Curation.Processor.Filter;
using Synth.Llm.Embeddings;
using Synth.Store;

namespace Synth.Cli;

/// <summary>
/// <c>synth replay &lt;job-id&gt; spec.yaml</c>: re-runs the filter with the spec's <c>curation.filter</c> over the job's
/// stored samples, without model calls, into a new job, and prints what changed.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var jobIdArgument = new Argument<string>("job-id") { Description = "The stored job whose samples are replayed (it is not changed)." };
        var specArgument = new Argument<FileInfo>("spec") { Description = "A job spec whose curation.filter section holds the new settings (docs/curation.md)." };
        var storeOption = new Option<string?>("--store") { Description = "SQLite database file (default: Store:SqlitePath, .synth/synth.db)." };
        var command = new Command("replay", "Re-run the filter with new settings over a job's stored generations (no model calls) and show what changed.")
        {
            jobIdArgument,
            specArgument,
            storeOption,
        };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(
            parse.GetRequiredValue(jobIdArgument), parse.GetRequiredValue(specArgument), parse.GetValue(storeOption), cancellationToken));
        return command;
    }

    private static async Task<int> ExecuteAsync(string jobId, FileInfo specFile, string? storePath, CancellationToken cancellationToken)
    {
        if (SpecFile.TryLoad(specFile, out var spec, out var specText) is { } failure)
        {
            return failure;
        }

        var builder = CliHost.CreateBuilder(storePath, logToStandardError: false);
        try
        {
            using var host = builder.Build();
            var services = host.Services;
            var store = services.GetRequiredService<ISampleStore>();
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            var filter = spec!.Curation.Filter;
            var (embeddings, problem) = LoadEmbeddings(filter.Relevance.Enabled != false || filter.Dedup.Semantic != false);
            using (embeddings)
            {
                var report = await FilterReplay.RunAsync(store, services.GetRequiredService<IDedupStore>(), jobId, filter, specText!, embeddings, problem,
                    services.GetRequiredService<TimeProvider>(), cancellationToken).ConfigureAwait(false);
                Print(report);
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled. Rerun the same command to continue: replayed samples are kept.");
            return ExitCodes.Cancelled;
        }
        catch (OptionsValidationException ex)
        {
            return CliHost.ConfigurationFailed(ex);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    private static (IEmbeddingGenerator<string, Embedding<float>>?, string?) LoadEmbeddings(bool wanted)
    {
        if (!wanted)
        {
            return (null, "not asked for");
        }

        try
        {
            return (new MiniLmEmbeddingGenerator(), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (null, $"the embedding model could not be loaded: {e.GetType().Name}: {e.Message}");
        }
    }

    private static void Print(ReplayReport report)
    {
        Console.WriteLine($"Replayed {report.Samples.Count} samples of job '{report.SourceJobId}' into job '{report.ReplayJobId}'.");
        Console.WriteLine($"  unchanged:        {report.Unchanged}");
        Console.WriteLine($"  kept -> rejected: {report.KeptToRejected.Count}");
        foreach (var (check, ids) in report.KeptToRejectedByReason)
        {
            Console.WriteLine($"    {check} ({ids.Count}): {string.Join(", ", ids)}");
        }

        Console.WriteLine($"  rejected -> kept: {report.RejectedToKept.Count}");
        foreach (var (check, ids) in report.RejectedToKeptByReason)
        {
            Console.WriteLine($"    was {check} ({ids.Count}): {string.Join(", ", ids)}");
        }

        var undecided = report.Samples.Count(s => s.Before is null);
        if (undecided > 0)
        {
            Console.WriteLine($"  not filtered in the original job: {undecided}");
        }
    }
}
