using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Evaluation;
using Synth.Llm;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// Open evaluation of two jobs' curated samples: draws pairs (same label and conditions where possible), asks the
/// judge which sample is better in both orders, and tallies wins, ties and position bias. The judge is job A's
/// (the filter judge's connection, or its generation connection; evaluation.faithfulness.model swaps the model).
/// Every judge call ends as a preference or a failure stored under job A and counted.
/// </summary>
public sealed class JobComparison(ISampleStore store, TimeProvider time, ChatClientFactory? clients = null)
{
    private const int PageSize = 500;
    private const int JudgeConcurrency = 4;

    public async Task<JobComparisonResult> CompareAsync(string jobA, JobSpec specA, string jobB, int pairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specA);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pairs);
        var a = await CuratedAsync(jobA, cancellationToken).ConfigureAwait(false);
        var b = await CuratedAsync(jobB, cancellationToken).ConfigureAwait(false);
        var matched = PairwiseComparison.Match([.. a.Select(Keys)], [.. b.Select(Keys)], pairs, Faithfulness.StableSeed(jobA + "\n" + jobB));

        using var judge = new JudgeConnection(specA, specA.Evaluation.Faithfulness.Model, clients ?? new ChatClientFactory(), time: time);
        var judged = new List<(Position, Position)>();
        long failures = 0;
        await Parallel.ForEachAsync(matched, new ParallelOptions { MaxDegreeOfParallelism = JudgeConcurrency, CancellationToken = cancellationToken }, async (pair, token) =>
        {
            var (sampleA, sampleB) = (a[pair.A], b[pair.B]);
            var (textA, textB) = (SampleText.Of(sampleA.Content), SampleText.Of(sampleB.Content));
            var aFirst = await JudgeAsync(judge, specA.Task, textA, textB, jobA, $"{jobB}:{sampleA.Id}:{sampleB.Id}:a-first", token).ConfigureAwait(false);
            var bFirst = await JudgeAsync(judge, specA.Task, textB, textA, jobA, $"{jobB}:{sampleA.Id}:{sampleB.Id}:b-first", token).ConfigureAwait(false);
            lock (judged)
            {
                failures += (aFirst is null ? 1 : 0) + (bFirst is null ? 1 : 0);
                if (aFirst is { } x && bFirst is { } y)
                {
                    judged.Add((x, y));
                }
            }
        }).ConfigureAwait(false);

        var sameKey = matched.Count(p => Keys(a[p.A]).FirstOrDefault() is { } key && key == Keys(b[p.B]).FirstOrDefault());
        return new JobComparisonResult(jobA, jobB, judge.Model, matched.Count, sameKey, PairwiseComparison.Tally(judged, failures));
    }

    /// <summary>Id prefix of the failures of pairwise judge calls, stored under job A.</summary>
    public const string FailurePrefix = "evaluator:compare:";

    private async Task<Position?> JudgeAsync(JudgeConnection judge, TaskSpec task, string first, string second, string jobId, string failureKey, CancellationToken cancellationToken)
    {
        var (answer, failure) = await judge.AskAsync(PairwiseComparison.Prompt(task, first, second), cancellationToken).ConfigureAwait(false);
        var (better, problem) = failure is null ? PairwiseComparison.ParsePreference(answer) : (null, failure);
        if (better is not null)
        {
            return better;
        }

        await store.SaveFailureAsync(new FailureDocument
        {
            Id = FailurePrefix + failureKey,
            JobId = jobId,
            Stage = Stage.Evaluator,
            Error = $"pairwise judge: {problem}",
            At = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<List<SampleDocument>> CuratedAsync(string jobId, CancellationToken cancellationToken)
    {
        var samples = new List<SampleDocument>();
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = ReportBuilder.CuratedStates, Limit = PageSize }, cancellationToken).ConfigureAwait(false))
        {
            samples.Add(sample);
        }

        return samples;
    }

    /// <summary>Most to least specific: label with every condition, then the label alone (label-free tasks: the conditions).</summary>
    private static IReadOnlyList<string> Keys(SampleDocument sample)
    {
        var conditions = string.Join('\u001f', sample.Provenance.Conditions.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
        return sample.Content.Label is { } label ? [$"{label}\u001e{conditions}", label] : [conditions];
    }
}
