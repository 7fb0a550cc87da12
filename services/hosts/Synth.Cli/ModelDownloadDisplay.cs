using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Synth.Llm.Models;

namespace Synth.Cli;

/// <summary>Downloads a model with a progress bar on a terminal, a line every few seconds otherwise (CI, logs).</summary>
internal static class ModelDownloadDisplay
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    /// <inheritdoc cref="ModelDownloader.PullAsync"/>
    public static async Task<string> PullAsync(ModelDownloader downloader, ModelCatalogEntry model, CancellationToken cancellationToken)
    {
        if (downloader.Cache.Find(model) is { } cached)
        {
            return cached;
        }

        Console.WriteLine($"Downloading the local model {model.Name} ({Size(model.SizeBytes)}) into {downloader.Cache.Directory}; an interrupted download resumes.");
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastLine = Stopwatch.StartNew();
            return await downloader.PullAsync(model, new Reporter(progress =>
            {
                if (lastLine.Elapsed >= LineInterval || progress.BytesReceived == progress.TotalBytes)
                {
                    lastLine.Restart();
                    Console.WriteLine($"  {Size(progress.BytesReceived)} of {Size(progress.TotalBytes)}");
                }
            }), cancellationToken).ConfigureAwait(false);
        }

        string? path = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(model.Name, maxValue: model.SizeBytes ?? 1);
                path = await downloader.PullAsync(model, new Reporter(progress =>
                {
                    task.MaxValue = progress.TotalBytes ?? Math.Max(task.MaxValue, progress.BytesReceived);
                    task.Value = progress.BytesReceived;
                }), cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return path!;
    }

    public static string Size(long? bytes) =>
        bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1_000_000.0:F1} MB") : "unknown size";

    private sealed class Reporter(Action<ModelDownloadProgress> report) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value) => report(value);
    }
}
