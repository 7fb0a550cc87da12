using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Synth.Evaluation;
using Synth.Llm;
using Synth.Evaluation.Processor.Reports;

namespace Synth.Cli;

/// <summary>
/// <c>synth compare &lt;jobA&gt; &lt;jobB&gt; [--pairs N]</c>: pairwise LLM judging of two jobs' curated samples, each pair
/// judged in both orders; prints win rates with 95% intervals and the position-bias rate.
/// </summary>
public static class CompareCommand
{
    public const int DefaultPairs = 50;

    public static async Task<int> ExecuteAsync(string jobA, string jobB, int pairs, string? storePath, CancellationToken cancellationToken)
    {
        if (pairs < 1)
        {
            Console.Error.WriteLine($"error: --pairs must be at least 1, got {pairs}.");
            return ExitCodes.Failed;
        }

        try
        {
            var (first, firstExit) = await StoredJob.OpenAsync(jobA, storePath, cancellationToken).ConfigureAwait(false);
            if (first is null)
            {
                return firstExit;
            }

            using (first)
            {
                var (second, secondExit) = await StoredJob.OpenAsync(jobB, storePath, cancellationToken).ConfigureAwait(false);
                if (second is null)
                {
                    return secondExit;
                }

                using (second)
                {
                    var comparison = await new JobComparison(first.Store, TimeProvider.System)
                        .CompareAsync(first.JobId, first.Spec, second.JobId, pairs, cancellationToken).ConfigureAwait(false);
                    if (comparison.PairsDrawn == 0)
                    {
                        Console.Error.WriteLine($"error: no pairs to judge: job '{first.JobId}' or job '{second.JobId}' has no curated samples.");
                        return ExitCodes.Failed;
                    }

                    Print(comparison);
                    return comparison.Result.Pairs == 0 ? ExitCodes.Failed : ExitCodes.Success;
                }
            }
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine($"error: configuration: {string.Join("; ", ex.Failures)}");
            return ExitCodes.Failed;
        }
        catch (LlmConfigurationException ex)
        {
            Console.Error.WriteLine($"error: judge: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }

    private static void Print(JobComparisonResult comparison)
    {
        var r = comparison.Result;
        Console.WriteLine($"Compared job {comparison.JobA} (A) with job {comparison.JobB} (B): {r.Pairs:N0} pairs judged in both orders by {comparison.JudgeModel}"
            + $" ({comparison.PairsMatched:N0} of {comparison.PairsDrawn:N0} drawn pairs share label and conditions; {r.Failures:N0} judge calls failed, stored as failures of job {comparison.JobA}).");
        Console.WriteLine($"  A wins   {Rate(r.AWins)}");
        Console.WriteLine($"  B wins   {Rate(r.BWins)}");
        Console.WriteLine($"  ties     {Rate(r.Ties)}   (the two orders disagreed)");
        Console.WriteLine($"  position bias: the first-shown sample won {Rate(r.FirstPositionWins)} of single judgements (0.5 is unbiased)");
    }

    private static string Rate(ProportionInterval p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Estimate:0.000}  95% interval [{p.Low:0.000}, {p.High:0.000}]  ({p.Successes:N0}/{p.Trials:N0})");

    internal static Command Create()
    {
        var jobA = new Argument<string>("jobA") { Description = "Job A: its spec file (YAML) or job id; its judge settings are used." };
        var jobB = new Argument<string>("jobB") { Description = "Job B: its spec file (YAML) or job id." };
        var pairs = new Option<int>("--pairs") { Description = $"Pairs of curated samples to judge, each in both orders (default {DefaultPairs}).", DefaultValueFactory = _ => DefaultPairs };
        var store = new Option<string?>("--store") { Description = "SQLite database file holding both jobs (default: Store:SqlitePath, .synth/synth.db)." };
        var command = new Command("compare", "Judge two jobs' curated samples pairwise with the LLM judge, each pair in both orders: win rates with 95% intervals and position bias.")
        {
            jobA,
            jobB,
            pairs,
            store,
        };
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(jobA), parse.GetRequiredValue(jobB), parse.GetValue(pairs), parse.GetValue(store), cancellationToken));
        return command;
    }
}
