using Synth.Contracts.Samples;
using Synth.Curation.Filters;

namespace Synth.Curation.Processor.Filter;

/// <summary>
/// Replay's judge: the scores the stage's judge gave this sample, read back from its stored filter decision
/// (<c>judge.&lt;criterion&gt;</c>), so a replay makes no model call.
/// </summary>
public sealed class StoredJudge(IReadOnlyList<string> criteria) : ISampleJudge
{
    public const string ScorePrefix = "judge.";

    public ValueTask<JudgeOutcome> AssessAsync(SampleDocument sample, string text, CancellationToken cancellationToken)
    {
        var decision = sample.Decisions.LastOrDefault(d => d.Stage == Stage.Filter);
        if (decision is null)
        {
            return ValueTask.FromResult(new JudgeOutcome(null, "replay: the sample has no stored filter decision with judge scores"));
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var criterion in criteria)
        {
            if (!decision.Scores.TryGetValue(ScorePrefix + criterion, out var score))
            {
                return ValueTask.FromResult(new JudgeOutcome(null, $"replay: no stored judge score for '{criterion}' (no new model calls are made)"));
            }

            scores[criterion] = score;
        }

        return ValueTask.FromResult(new JudgeOutcome(new JudgeAssessment("stored", scores), null));
    }
}
