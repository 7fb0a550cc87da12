using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Cli;

/// <summary>Shows a run's progress per stage: live bars on a terminal, a line every few seconds otherwise (CI, logs).</summary>
public static class ProgressDisplay
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    public static async Task<JobCounts> RunAsync(PipelineJob job, Func<IProgress<PipelineProgress>, Task<JobCounts>> run)
    {
        double target = job.Spec.Generation.Target;
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastLine = Stopwatch.StartNew();
            return await run(new Reporter(progress =>
            {
                if (lastLine.Elapsed >= LineInterval)
                {
                    lastLine.Restart();
                    Console.Out.WriteLine(Describe(progress));
                }
            })).ConfigureAwait(false);
        }

        JobCounts? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var requests = context.AddTask("requests", maxValue: 1);
                var generated = context.AddTask("generated", maxValue: target);
                var filtered = context.AddTask("filtered", maxValue: target);
                var refined = context.AddTask("refined", maxValue: target);
                var evaluated = context.AddTask("evaluated", maxValue: target);
                var curated = context.AddTask("curated (target)", maxValue: target);
                result = await run(new Reporter(progress =>
                {
                    var c = progress.Counts;
                    requests.MaxValue = Math.Max(1, progress.RequestsPlanned);
                    requests.Value = c.RequestsSucceeded + c.RequestsFailed;
                    requests.Description = $"requests ({c.RequestsFailed} failed)";
                    generated.Value = c.TotalSamples;
                    filtered.Value = c[SampleState.Accepted] + c[SampleState.Rejected] + c[SampleState.Refined] + c[SampleState.Evaluated];
                    filtered.Description = $"filtered ({c[SampleState.Rejected]} rejected)";
                    var accepted = c[SampleState.Accepted] + c[SampleState.Refined] + c[SampleState.Evaluated];
                    refined.MaxValue = Math.Max(1, accepted);
                    refined.Value = c[SampleState.Refined] + c[SampleState.Evaluated];
                    evaluated.MaxValue = Math.Max(1, accepted);
                    evaluated.Value = c[SampleState.Evaluated];
                    curated.Value = Math.Min(target, progress.Curated);
                    curated.Description = $"curated {progress.Curated}/{progress.Target}";
                })).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result!;
    }

    public static void WriteSummary(PipelineJob job, JobCounts counts, TimeSpan elapsed)
    {
        var table = new Table().Title($"job [bold]{Markup.Escape(job.JobId)}[/]").AddColumn("what").AddColumn(new TableColumn("count").RightAligned());
        foreach (var state in Enum.GetValues<SampleState>())
        {
            table.AddRow(state.ToString().ToLowerInvariant(), counts[state].ToString(CultureInfo.InvariantCulture));
        }

        table.AddRow("curated / target", $"{CuratedTarget.Curated(counts).ToString(CultureInfo.InvariantCulture)} / {job.Spec.Generation.Target.ToString(CultureInfo.InvariantCulture)}");
        table.AddRow("requests succeeded", counts.RequestsSucceeded.ToString(CultureInfo.InvariantCulture));
        table.AddRow("requests failed", counts.RequestsFailed.ToString(CultureInfo.InvariantCulture));
        table.AddRow("stage failures (dead-lettered)", counts.Failures.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        var rate = counts.TotalSamples / Math.Max(0.001, elapsed.TotalSeconds);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "finished in {0:F1} s ({1:F0} samples/s)", elapsed.TotalSeconds, rate);
    }

    private static string Describe(PipelineProgress progress)
    {
        var c = progress.Counts;
        return string.Create(CultureInfo.InvariantCulture,
            $"requests {c.RequestsSucceeded + c.RequestsFailed}/{progress.RequestsPlanned} ({c.RequestsFailed} failed) | generated {c[SampleState.Generated]} accepted {c[SampleState.Accepted]} rejected {c[SampleState.Rejected]} refined {c[SampleState.Refined]} evaluated {c[SampleState.Evaluated]} | curated {progress.Curated}/{progress.Target} | failures {c.Failures}");
    }

    private sealed class Reporter(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
