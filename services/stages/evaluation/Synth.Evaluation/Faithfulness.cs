using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <summary>The pure parts of faithfulness judging: how many to judge, which ones, what to ask, how to read and pool the answers.</summary>
public static class Faithfulness
{
    /// <summary>
    /// Judgements needed for a Wilson half-width of at most <paramref name="marginOfError"/> at <paramref name="confidence"/>
    /// (worst case p = ½, finite-population corrected), capped by <paramref name="maxJudgements"/> and the population.
    /// </summary>
    public static long SampleSize(double marginOfError, double confidence, long population, long maxJudgements)
    {
        if (population == 0)
        {
            return 0;
        }

        var needed = ProportionEstimate.SampleSize(marginOfError, population, ProportionEstimate.Z(confidence));
        return Math.Min(Math.Min(needed, maxJudgements), population);
    }

    /// <summary>
    /// <paramref name="size"/> distinct indexes of [0, population), uniformly at random, ascending — the same for the same
    /// job id on every run and machine (seeded by a stable hash of the id, not string.GetHashCode). Floyd's algorithm:
    /// memory and time in the sample size, not the population.
    /// </summary>
    public static IReadOnlyList<long> Draw(long population, long size, string jobId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, population);
        var random = new Random(StableSeed(jobId));
        var chosen = new HashSet<long>();
        for (var j = population - size; j < population; j++)
        {
            var t = random.NextInt64(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }

        return [.. chosen.Order()];
    }

    /// <summary>FNV-1a of the id's UTF-8 bytes, folded to an int seed.</summary>
    public static int StableSeed(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(jobId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return unchecked((int)hash);
    }

    /// <summary>
    /// A human's verdict on the model's label: null unless a human labelled the sample; true when the reviewer's label is
    /// the label the sample had before the review (the generator's or a refiner's), false when the reviewer changed it.
    /// </summary>
    public static bool? HumanVerdict(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Review is not { Status: ReviewStatus.Labelled, Label: { } humanLabel })
        {
            return null;
        }

        var review = sample.LabelHistory.FindIndex(c => c.Method == LabelMethod.HumanReview);
        if (review < 0)
        {
            // The reviewer kept the label: no change was recorded.
            return humanLabel == sample.Content.Label;
        }

        var before = sample.LabelHistory[review].From ?? (review > 0 ? sample.LabelHistory[review - 1].To : null);
        return humanLabel == before;
    }

    /// <param name="instructions">The spec's prompt override; the default asks whether content and label are faithful to the task.</param>
    public static string Prompt(TaskSpec task, SampleContent content, string? instructions)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(content);
        var prompt = new StringBuilder();
        if (instructions is null)
        {
            prompt.AppendLine("You check synthetic training data for faithfulness.")
                .Append("The data is meant to be: ").AppendLine(task.DataDescription);
            if (task.Labels.Count > 0)
            {
                prompt.Append("Labels: ").AppendLine(string.Join("; ", task.Labels.Select(l => $"{l.Name} = {l.Description}")));
            }

            prompt.AppendLine("A sample is faithful when it is what the data is meant to be, any answer is supported by the sample's own text, and its label (if any) is correct for its text.");
        }
        else
        {
            prompt.AppendLine(instructions);
        }

        prompt.AppendLine()
            .AppendLine("Answer with one JSON object and nothing else: {\"faithful\": true or false, \"reason\": \"a short reason\"}")
            .AppendLine()
            .AppendLine("Sample:")
            .AppendLine("\"\"\"")
            .AppendLine(SampleText.Of(content))
            .AppendLine("\"\"\"");
        if (content.Label is { } label)
        {
            prompt.Append("Label: ").AppendLine(label);
        }

        return prompt.ToString();
    }

    /// <summary>The judge's verdict, or why the answer cannot be read (never the answer's text).</summary>
    public static (bool? Faithful, string? Problem) ParseVerdict(string? answer)
    {
        using var document = AnswerJson.ParseObject(answer, out var problem);
        if (document is null)
        {
            return (null, problem);
        }

        var verdict = AnswerJson.Property(document.RootElement, "faithful");
        return verdict.ValueKind switch
        {
            JsonValueKind.True => (true, null),
            JsonValueKind.False => (false, null),
            JsonValueKind.String when string.Equals(verdict.GetString(), "yes", StringComparison.OrdinalIgnoreCase) => (true, null),
            JsonValueKind.String when string.Equals(verdict.GetString(), "no", StringComparison.OrdinalIgnoreCase) => (false, null),
            _ => (null, "the judge's answer has no true/false 'faithful' field"),
        };
    }

    /// <summary>Pools the verdicts into Wilson intervals at <paramref name="confidence"/>.</summary>
    public static FaithfulnessResult Combine(
        long judgedFaithful, long judged, long humanAgreed, long humanJudged, long failures, double confidence, long population, long sampleSize, string judgeModel)
    {
        var z = ProportionEstimate.Z(confidence);
        return new FaithfulnessResult(
            ProportionEstimate.Wilson(judgedFaithful, judged, z),
            humanJudged == 0 ? null : ProportionEstimate.Wilson(humanAgreed, humanJudged, z),
            ProportionEstimate.Wilson(judgedFaithful + humanAgreed, judged + humanJudged, z),
            confidence,
            population,
            sampleSize,
            failures,
            judgeModel);
    }
}
