using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// The quality benchmark (benchmarks/Synth.Benchmarks.Quality) at CI size: <c>synth run</c> with every built-in stage
/// against the simulated model serving real UCI reviews with injected faults, once with default curation and once with
/// the LLM judge and relabelling; the default run asks for skewed label shares (0.8 positive). Asserts the issue-12
/// targets: with default settings off-task text is dropped by relevance escalating doubtful samples to the model,
/// whose share of extra calls is reported; with the judge on, relevance asks nothing (the judge rates every sample).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class QualityBenchmarkTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-quality-e2e-").FullName;

    [Fact]
    public async Task Default_and_LLM_curation_meet_the_quality_targets_on_real_text()
    {
        var defaults = await QualityBenchmark.RunAsync(new QualityRun("default, skewed", 100, LlmCuration: false, PositiveShare: 0.8), _directory, TimeSpan.FromMinutes(2));
        var llm = await QualityBenchmark.RunAsync(new QualityRun("LLM", 100, LlmCuration: true), _directory, TimeSpan.FromMinutes(2));
        output.WriteLine(QualityBenchmark.Table([defaults, llm]));

        foreach (var result in new[] { defaults, llm })
        {
            Assert.Equal(0, result.Unjoined);
            Assert.Equal(0, result.Kept[FaultKind.ExactDuplicate].Count);
            Assert.Equal(0, result.Kept[FaultKind.Refusal].Count);
            Assert.Equal(0, result.CleanBroken.Count);
            // Assistant preambles ("Sure! Here is …") are refused, and the target counts curated samples.
            Assert.Equal(0, result.Kept[FaultKind.Preamble].Count);
            Assert.True(result.Curated >= result.Run.Target, $"{result.Curated} of {result.Run.Target} curated");
        }

        // Default settings: genuine on-task text is kept (the absolute cosine threshold rejected most of it).
        Assert.True(defaults.Kept[FaultKind.Clean].Value >= 0.9, $"on-task clean text kept {defaults.Kept[FaultKind.Clean]}");
        // The targets are rates (kept ≤ 0.1), measured at size 400 by the quality benchmark (docs/quality.md).
        // At this size about 8 near duplicates and 13 off-task lines are served, so a count at the rate is noise: a
        // filter at 0.06 keeps 2 of 14 one run in five. The check fails when the count is past what a 0.1 rate gives
        // in 99 runs of 100, i.e. on a real regression (relevance without escalation kept every off-task line).
        // Near duplicates (one inserted word) are caught by word-set Jaccard with default settings.
        var near = defaults.Kept[FaultKind.NearDuplicate];
        Assert.True(near.Count <= AtMostByChance(near.Of, 0.1), $"near duplicates kept {near}");
        // Off-task text (email lines where reviews were asked for): relevance asks the model about doubtful samples.
        // The cost is bounded by the escalation quantile (the median): about half the samples are asked, none when
        // the judge already rates them.
        var offTask = defaults.Kept[FaultKind.OffTask];
        Assert.True(offTask.Count <= AtMostByChance(offTask.Of, 0.1), $"off-task kept {offTask}");
        Assert.InRange(defaults.Escalated.Value, 0.2, 0.7);
        Assert.Equal(0, llm.Escalated.Count);
        // Class-conditional generation: the curated label shares are the asked ones (labels are not refined by default).
        Assert.InRange(defaults.PositiveShare.Value, 0.75, 0.85);
        // LLM relabelling: flipped labels corrected, and the student does not undo it.
        Assert.True(llm.RefinedFlipsCorrected.Value >= 0.7, $"flips corrected by the relabelling {llm.RefinedFlipsCorrected}");
        Assert.True(llm.FlipsCorrected.Value >= 0.7, $"flips corrected among kept samples {llm.FlipsCorrected}");
        Assert.True(llm.FinalAccuracy.Value > llm.ServedAccuracy.Value, $"label accuracy {llm.ServedAccuracy} → {llm.FinalAccuracy}");
    }

    /// <summary>The smallest count that <paramref name="served"/> items, each kept at <paramref name="rate"/>, stay within in 99 % of runs.</summary>
    private static int AtMostByChance(int served, double rate)
    {
        var cumulative = 0.0;
        for (var kept = 0; kept <= served; kept++)
        {
            cumulative += Math.Exp(LogChoose(served, kept) + kept * Math.Log(rate) + (served - kept) * Math.Log(1 - rate));
            if (cumulative >= 0.99)
            {
                return kept;
            }
        }

        return served;
    }

    private static double LogChoose(int n, int k)
    {
        var log = 0.0;
        for (var i = 1; i <= k; i++)
        {
            log += Math.Log(n - k + i) - Math.Log(i);
        }

        return log;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
