using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Synth.Contracts.Samples;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Testing;

/// <summary>
/// The quality benchmark (issue 12): <c>synth run</c> with every built-in stage against a <see cref="SimulatedModel"/>
/// serving real product and restaurant reviews (UCI amazon and yelp) with injected faults, then the store's final
/// samples joined with the model's log. Indirect evaluation trains on the curated set and tests on UCI imdb.
/// </summary>
public static class QualityBenchmark
{
    public static readonly string[] Labels = ["negative", "positive"];

    /// <summary>Runs one job in a new folder under <paramref name="workDirectory"/>; the built CLI must exist.</summary>
    public static async Task<QualityResult> RunAsync(QualityRun run, string workDirectory, TimeSpan timeout)
    {
        var jobId = "quality-" + new string([.. run.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, $"{jobId}-{Guid.NewGuid():N}")).FullName;
        var options = new SimulatedModelOptions(Labels, LabelShares: [1 - run.PositiveShare, run.PositiveShare]);
        var sentences = RealText.UciSentences("amazon", "yelp");
        // The support set is real on-task text the model never serves, spread over both sources (product and restaurant
        // reviews: a support set of one kind makes the other off-task), so no sample is its copy.
        var support = run.SupportSet == 0 ? [] : sentences.Where((_, i) => i % (sentences.Count / run.SupportSet) == 0).Take(run.SupportSet).ToList();
        await using var model = await SimulatedModel.StartAsync(options, [.. sentences.Except(support)], RealText.EmailLines(1000));
        var supportPath = Path.Combine(directory, "support.jsonl");
        await File.WriteAllLinesAsync(supportPath, support.Select(s => JsonSerializer.Serialize(new { text = s.Text, label = Labels[s.Class] })));
        var spec = Path.Combine(directory, "job.yaml");
        await File.WriteAllTextAsync(spec, Spec(jobId, run, model.BaseUrl, supportPath));
        var database = Path.Combine(directory, "synth.db");
        var clock = Stopwatch.StartNew();
        using (var process = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), ["run", spec, "--store", database], new Dictionary<string, string?>(), directory))
        {
            if (await process.WaitForExitAsync(timeout) != 0)
            {
                throw new InvalidOperationException($"synth run failed or timed out for '{run.Name}':\n{process.Tail()}");
            }
        }

        var elapsed = clock.Elapsed;
        await model.WriteLogAsync(Path.Combine(directory, "served.jsonl"));
        var samples = new List<SampleDocument>();
        var store = SqliteStores.Open(database).Samples;
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 500 }, CancellationToken.None))
        {
            samples.Add(sample);
        }

        var (synthetic, real) = Indirect(Path.Combine(directory, "reports", jobId, "report.json"));
        return Measure(run, model.Served, samples, model.Answers.GetValueOrDefault("on-task"), synthetic, real, elapsed);
    }

    /// <summary>
    /// Joins stored samples with the served log by text. Copies of one text (an original and its exact duplicates) are
    /// told apart by order: the first copies stored are the earliest served, and of a text's copies the first kept
    /// one counts as the original, so "duplicates kept" counts the copies kept beyond one. Likewise a near duplicate
    /// counts as kept only beyond one kept copy of its family (the original and its near duplicates): when the near
    /// duplicate is decided first, or its original is rejected for another reason, the curated set holds one copy.
    /// </summary>
    /// <param name="onTaskQuestions">Relevance escalation's questions the model answered.</param>
    public static QualityResult Measure(QualityRun run, IReadOnlyList<ServedItem> served, IReadOnlyList<SampleDocument> samples, int onTaskQuestions, double? indirectSynthetic, double? indirectReal, TimeSpan elapsed)
    {
        var log = served.GroupBy(item => item.Text.Trim(), StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
        var kept = Enum.GetValues<FaultKind>().ToDictionary(kind => kind, _ => (Count: 0, Of: 0));
        int servedRight = 0, finalRight = 0, labelled = 0, flips = 0, corrected = 0, clean = 0, broken = 0, unjoined = 0, positives = 0;
        foreach (var group in samples.GroupBy(sample => ContentText(sample), StringComparer.Ordinal))
        {
            if (!log.TryGetValue(group.Key, out var items))
            {
                unjoined += group.Count();
                continue;
            }

            var final = group.Where(sample => sample.State == SampleState.Evaluated).ToList();
            // A full label's surplus is left out of the kept shares (copies of a text are nearly always one sample).
            var surplus = group.Count(IsOverQuota);
            foreach (var (item, index) in items.Take(group.Count() - surplus).Select((item, index) => (item, index)))
            {
                var isKept = index < final.Count;
                var tally = kept[item.Fault];
                kept[item.Fault] = (tally.Count + (isKept ? 1 : 0), tally.Of + 1);
                if (!isKept)
                {
                    continue;
                }

                var label = final[index].Content.Label;
                positives += label == Labels[1] ? 1 : 0;
                if (item.TrueLabel is not { } truth)
                {
                    continue;
                }

                labelled++;
                servedRight += item.ServedLabel == truth ? 1 : 0;
                finalRight += label == truth ? 1 : 0;
                if (item.ServedLabel == truth)
                {
                    clean++;
                    broken += label == truth ? 0 : 1;
                }
                else
                {
                    flips++;
                    corrected += label == truth ? 1 : 0;
                }
            }
        }

        // Near duplicates kept beyond one copy of their family: the kept near duplicates, less one when the original is not kept.
        var keptTexts = samples.Where(sample => sample.State == SampleState.Evaluated).Select(ContentText).ToHashSet(StringComparer.Ordinal);
        var nearKept = served.Where(item => item.Fault == FaultKind.NearDuplicate && keptTexts.Contains(item.Text.Trim()))
            .GroupBy(item => OriginalOf(item.Text.Trim(), log) ?? item.Text.Trim(), StringComparer.Ordinal)
            .Sum(family => family.Count() - (keptTexts.Contains(family.Key) ? 0 : 1));
        kept[FaultKind.NearDuplicate] = (nearKept, kept[FaultKind.NearDuplicate].Of);
        var curated = samples.Count(sample => sample.State == SampleState.Evaluated);
        return new QualityResult(run, kept.ToDictionary(pair => pair.Key, pair => new Share(pair.Value.Count, pair.Value.Of)),
            new Share(samples.Count(IsOverQuota), samples.Count),
            new Share(servedRight, labelled), new Share(finalRight, labelled), new Share(corrected, flips), RefinedFlipsCorrected(samples, log), new Share(broken, clean),
            curated, new Share(positives, curated), new Share(onTaskQuestions, samples.Count), unjoined, indirectSynthetic, indirectReal, elapsed);
    }

    private static bool IsOverQuota(SampleDocument sample) =>
        sample.State == SampleState.Rejected && sample.StageOrdinal() == SampleState.Evaluated.Ordinal();

    /// <summary>
    /// Flips corrected among the samples the label refiner decided: kept ones and those the evaluator rejected over a
    /// label quota, each joined with the first served copy of its text (a flip is a unique text: duplicates are clean).
    /// </summary>
    private static Share RefinedFlipsCorrected(IReadOnlyList<SampleDocument> samples, Dictionary<string, List<ServedItem>> log)
    {
        int flips = 0, corrected = 0;
        foreach (var sample in samples.Where(s => s.StageOrdinal() == SampleState.Evaluated.Ordinal()))
        {
            if (log.TryGetValue(ContentText(sample), out var items) && items[0] is { Fault: FaultKind.WrongLabel, TrueLabel: { } truth })
            {
                flips++;
                corrected += sample.Content.Label == truth ? 1 : 0;
            }
        }

        return new Share(corrected, flips);
    }

    /// <summary>One Markdown table: a row per measure, a column per run.</summary>
    public static string Table(IReadOnlyList<QualityResult> results)
    {
        var rows = new List<(string Measure, Func<QualityResult, string> Value)>
        {
            ("curation", r => (r.Run.LlmCuration ? "default + LLM judge + LLM relabel" : "default")
                + (r.Run.SupportSet > 0 ? $" + support set of {r.Run.SupportSet}" : "")
                + (r.Run.OutlierDeviations is { } k ? string.Create(CultureInfo.InvariantCulture, $", relevance k = {k}") : "")),
            ("asked positive share", r => F(r.Run.PositiveShare)),
        };
        rows.AddRange(Enum.GetValues<FaultKind>().Select(kind => ($"kept: {Kebab(kind)}", (Func<QualityResult, string>)(r => r.Kept[kind].ToString()))));
        rows.Add(("rejected over a label quota (surplus; not in the kept shares)", r => r.OverQuota.ToString()));
        rows.AddRange(
        [
            ("label accuracy served → final", r => $"{F(r.ServedAccuracy.Value)} → {F(r.FinalAccuracy.Value)}"),
            ("flips corrected by the relabelling (kept or over a label quota)", r => r.RefinedFlipsCorrected.ToString()),
            ("flips corrected, kept samples only", r => r.FlipsCorrected.ToString()),
            ("clean labels broken", r => r.CleanBroken.ToString()),
            ("curated / target", r => $"{r.Curated} / {r.Run.Target}"),
            ("curated positive share", r => r.PositiveShare.ToString()),
            ("curated − asked positive share", r => F(r.PositiveShare.Value - r.Run.PositiveShare)),
            ("escalated to the model (on-task questions / generated)", r => r.Escalated.ToString()),
            ("indirect accuracy: curated vs real", r => r.IndirectSynthetic is { } s ? $"{F(s)} vs {F(r.IndirectReal ?? double.NaN)}" : "–"),
            ("unjoined samples", r => r.Unjoined.ToString(CultureInfo.InvariantCulture)),
            ("run time (s)", r => r.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)),
        ]);

        var table = new StringBuilder()
            .AppendLine($"| measure | {string.Join(" | ", results.Select(r => r.Run.Name))} |")
            .AppendLine($"|---|{string.Concat(results.Select(_ => "---|"))}");
        foreach (var (measure, value) in rows)
        {
            table.AppendLine($"| {measure} | {string.Join(" | ", results.Select(value))} |");
        }

        return table.ToString();
    }

    private static string F(double value) => double.IsNaN(value) ? "–" : value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Kebab(FaultKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    /// <summary>The served text a near duplicate was made from by inserting one word; null when none is found.</summary>
    private static string? OriginalOf(string nearDuplicate, Dictionary<string, List<ServedItem>> log)
    {
        var words = nearDuplicate.Split(' ');
        return Enumerable.Range(1, Math.Max(0, words.Length - 1))
            .Select(i => string.Join(' ', words.Where((_, j) => j != i)))
            .FirstOrDefault(text => log.TryGetValue(text, out var items) && items.Any(item => item.Fault != FaultKind.NearDuplicate));
    }

    private static string ContentText(SampleDocument sample) => (sample.Content.Text ?? "").Trim();

    private static string Spec(string jobId, QualityRun run, Uri baseUrl, string supportPath)
    {
        var filter = new List<string>();
        if (run.OutlierDeviations is { } k)
        {
            filter.Add(string.Create(CultureInfo.InvariantCulture, $"    relevance: {{ outlierDeviations: {k} }}"));
        }

        if (run.LlmCuration)
        {
            filter.Add("    judge: { enabled: true }");
        }

        var curation = filter.Count == 0 && !run.LlmCuration ? ""
            : string.Join('\n', ["curation:", .. filter.Count > 0 ? ["  filter:", .. filter] : Array.Empty<string>(), .. run.LlmCuration ? ["  labelRefinement:", "    llmRelabel: { enabled: true }"] : Array.Empty<string>()]);
        // Balanced: uniform label shares (the default); skewed: the asked weights.
        var (labelShares, positiveShare, negativeShare) = run.PositiveShare == 0.5 ? ("", "", "")
            : ("labelShares: weights", string.Create(CultureInfo.InvariantCulture, $"share: {run.PositiveShare}"), string.Create(CultureInfo.InvariantCulture, $"share: {1 - run.PositiveShare}"));
        var supportSet = run.SupportSet > 0 ? $"supportSet: {{ path: {supportPath} }}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"""
            id: {jobId}
            name: Quality benchmark {run.Name}
            task:
              type: text-classification
              dataDescription: A short product or restaurant review, one or two sentences.
              {labelShares}
              labels:
                - name: positive
                  description: The reviewer is satisfied.
                  {positiveShare}
                - name: negative
                  description: The reviewer is dissatisfied.
                  {negativeShare}
            demonstrations:
              k: 0
              {supportSet}
            generation:
              provider: openai-compatible
              model: simulated-model
              baseUrl: {baseUrl}
              samplesPerRequest: {run.SamplesPerRequest}
              target: {run.Target}
              maxRetries: 4
              timeoutSeconds: 30
            {curation}
            evaluation:
              indirect:
                benchmark: uci-sentiment
                dataFolder: {BenchmarkData.Folder}
                testSource: imdb
              faithfulness:
                enabled: true
            """);
    }

    private static (double? Synthetic, double? Real) Indirect(string reportPath)
    {
        if (!File.Exists(reportPath))
        {
            return (null, null);
        }

        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        if (!report.RootElement.TryGetProperty("indirect", out var indirect))
        {
            return (null, null);
        }

        static double? Accuracy(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var score) && score.TryGetProperty("accuracy", out var accuracy) ? accuracy.GetDouble() : null;
        return (Accuracy(indirect, "synthetic"), Accuracy(indirect, "realBaseline"));
    }
}
