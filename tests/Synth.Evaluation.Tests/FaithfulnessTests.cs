using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation.Tests;

public sealed class FaithfulnessTests
{
    [Theory]
    [InlineData(0.95, 1.959963984540054)]
    [InlineData(0.99, 2.5758293035489)]
    [InlineData(0.90, 1.6448536269514722)]
    [InlineData(0.999, 3.2905267314919255)]
    public void Z_is_the_two_sided_normal_quantile(double confidence, double z)
    {
        Assert.Equal(z, ProportionEstimate.Z(confidence), 7);
    }

    [Fact]
    public void Sample_size_by_hand_with_the_finite_population_correction_and_the_caps()
    {
        // n0 = 1.96²·¼ / 0.05² = 384.15; for N = 1,000: 384.15 / (1 + 383.15/1000) = 277.7 → 278.
        Assert.Equal(278, Faithfulness.SampleSize(0.05, 0.95, 1000, 10_000));
        // A huge population needs the uncorrected 385.
        Assert.Equal(385, Faithfulness.SampleSize(0.05, 0.95, 100_000_000, 10_000));
        // n0 = 2.5758²·¼ / 0.1² = 165.87; for N = 27: 165.87 / (1 + 164.87/27) = 23.3 → 24.
        Assert.Equal(24, Faithfulness.SampleSize(0.1, 0.99, 27, 10_000));
        Assert.Equal(50, Faithfulness.SampleSize(0.05, 0.95, 1000, 50));
        Assert.Equal(0, Faithfulness.SampleSize(0.05, 0.95, 0, 50));
    }

    [Fact]
    public void The_draw_is_distinct_ascending_in_range_and_the_same_for_the_same_job()
    {
        var first = Faithfulness.Draw(1000, 278, "job-a");

        Assert.Equal(278, first.Count);
        Assert.Equal(first.Order(), first);
        Assert.Equal(278, first.Distinct().Count());
        Assert.All(first, i => Assert.InRange(i, 0, 999));
        Assert.Equal(first, Faithfulness.Draw(1000, 278, "job-a"));
        Assert.NotEqual(first, Faithfulness.Draw(1000, 278, "job-b"));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (long)i), Faithfulness.Draw(5, 5, "job-a"));
        // FNV-1a of "a" is 0xE40C292C, whatever the process (string.GetHashCode is randomised per process).
        Assert.Equal(unchecked((int)0xE40C292Cu), Faithfulness.StableSeed("a"));
    }

    [Fact]
    public void The_draw_is_uniform()
    {
        // 20,000 draws of 10 of 100 with different ids: each index is drawn about 2,000 times.
        var counts = new int[100];
        for (var j = 0; j < 20_000; j++)
        {
            foreach (var i in Faithfulness.Draw(100, 10, $"job-{j}"))
            {
                counts[i]++;
            }
        }

        Assert.All(counts, c => Assert.InRange(c, 1750, 2250));
    }

    private static SampleDocument Reviewed(string current, ReviewStatus status, string? reviewerLabel, params LabelChange[] history)
    {
        var sample = new SampleDocument
        {
            Id = "s",
            JobId = "j",
            TaskType = TaskType.TextClassification,
            Content = new SampleContent { Text = "t", Label = current },
            Provenance = new Provenance { RequestId = "r" },
            Review = new ReviewRecord { Status = status, Label = reviewerLabel },
        };
        sample.LabelHistory.AddRange(history);
        return sample;
    }

    [Fact]
    public void A_human_verdict_compares_the_reviewers_label_with_the_label_before_the_review()
    {
        var generated = new LabelChange { To = "pos", Method = LabelMethod.Generator };
        var relabelled = new LabelChange { From = "pos", To = "neg", Method = LabelMethod.LlmRelabel };

        // Kept: no change recorded, the reviewer's label is the current one.
        Assert.True(Faithfulness.HumanVerdict(Reviewed("pos", ReviewStatus.Labelled, "pos", generated)));
        // Changed: the human-review change's From is the model's label.
        Assert.False(Faithfulness.HumanVerdict(Reviewed("neg", ReviewStatus.Labelled, "neg", generated, new LabelChange { From = "pos", To = "neg", Method = LabelMethod.HumanReview })));
        // The model's label before review is the refiner's, not the generator's.
        Assert.True(Faithfulness.HumanVerdict(Reviewed("neg", ReviewStatus.Labelled, "neg", generated, relabelled)));
        Assert.Null(Faithfulness.HumanVerdict(Reviewed("pos", ReviewStatus.Pending, null, generated)));
        Assert.Null(Faithfulness.HumanVerdict(Reviewed("pos", ReviewStatus.Skipped, null, generated)));
    }

    [Theory]
    [InlineData("{\"faithful\": true, \"reason\": \"fine\"}", true)]
    [InlineData("```json\n{\"Faithful\": false}\n```", false)]
    [InlineData("Verdict: {\"faithful\": \"yes\"}", true)]
    public void Verdicts_are_read_from_the_json_object(string answer, bool faithful)
    {
        Assert.Equal((faithful, (string?)null), Faithfulness.ParseVerdict(answer));
    }

    [Theory]
    [InlineData("It is faithful.", "holds no JSON object")]
    [InlineData("{\"faithful\": 0.9}", "no true/false 'faithful' field")]
    [InlineData("{\"faithful\": tru}", "not valid JSON")]
    [InlineData(null, "holds no JSON object")]
    public void Unreadable_verdicts_say_why_without_the_answer(string? answer, string problem)
    {
        var (verdict, why) = Faithfulness.ParseVerdict(answer);

        Assert.Null(verdict);
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prompt_carries_the_task_the_sample_and_its_label_or_the_override()
    {
        var task = new TaskSpec { DataDescription = "short product reviews", Labels = [new LabelSpec { Name = "pos", Description = "satisfied" }] };
        var content = new SampleContent { Text = "great battery", Label = "pos" };

        var prompt = Faithfulness.Prompt(task, content, null);
        var overridden = Faithfulness.Prompt(task, content, "Is the review sarcastic?");

        Assert.Contains("short product reviews", prompt, StringComparison.Ordinal);
        Assert.Contains("pos = satisfied", prompt, StringComparison.Ordinal);
        Assert.Contains("great battery", prompt, StringComparison.Ordinal);
        Assert.EndsWith("Label: pos\n", prompt.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.StartsWith("Is the review sarcastic?", overridden, StringComparison.Ordinal);
        Assert.DoesNotContain("short product reviews", overridden, StringComparison.Ordinal);
        Assert.Contains("\"faithful\"", overridden, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_and_human_verdicts_are_reported_apart_and_pooled()
    {
        var result = Faithfulness.Combine(judgedFaithful: 18, judged: 20, humanAgreed: 3, humanJudged: 5, failures: 2, confidence: 0.95, population: 100, sampleSize: 22, judgeModel: "m");

        var z = ProportionEstimate.Z(0.95);
        Assert.Equal(ProportionEstimate.Wilson(18, 20, z), result.Judge);
        Assert.Equal(ProportionEstimate.Wilson(3, 5, z), result.Human);
        Assert.Equal(ProportionEstimate.Wilson(21, 25, z), result.Combined);
        Assert.Equal((2L, 22L, 100L), (result.Failures, result.SampleSize, result.Population));
        Assert.Null(Faithfulness.Combine(1, 1, 0, 0, 0, 0.95, 1, 1, "m").Human);
    }
}
