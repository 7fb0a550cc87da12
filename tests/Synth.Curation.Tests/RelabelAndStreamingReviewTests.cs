using Synth.Curation.Labels;

namespace Synth.Curation.Tests;

/// <summary>The label refiner's pure parts: the relabel prompt, answers as votes, and review in a stream.</summary>
public sealed class RelabelAndStreamingReviewTests
{
    private static readonly LabelDefinition[] Labels = [new("negative", "The reviewer is dissatisfied."), new("positive", "The reviewer is satisfied.")];

    [Fact]
    public void The_prompt_lists_every_label_with_its_description_then_the_text()
    {
        var prompt = RelabelPrompt.Build(null, Labels, "Broke after a day.");
        var own = RelabelPrompt.Build("Judge the sentiment.", Labels, "Broke after a day.");

        Assert.StartsWith(RelabelPrompt.DefaultInstruction, prompt, StringComparison.Ordinal);
        Assert.StartsWith("Judge the sentiment.", own, StringComparison.Ordinal);
        Assert.Contains("- negative: The reviewer is dissatisfied.", prompt, StringComparison.Ordinal);
        Assert.Contains("- positive: The reviewer is satisfied.", prompt, StringComparison.Ordinal);
        Assert.True(prompt.IndexOf("Broke after a day.", StringComparison.Ordinal) > prompt.IndexOf("- positive", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("positive", "positive")]
    [InlineData("  Positive.\n", "positive")]
    [InlineData("\"negative\"", "negative")]
    [InlineData("Label: NEGATIVE", "negative")]
    [InlineData("**positive**", "positive")]
    [InlineData("positive or negative", null)]
    [InlineData("The review is positive.", null)]
    [InlineData("neutral", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void An_answer_is_a_vote_only_when_it_names_exactly_one_label(string? answer, string? vote)
    {
        Assert.Equal(vote, RelabelPrompt.ParseVote(answer, Labels));
    }

    [Theory]
    [InlineData(0.1, null, 0, 0)]
    [InlineData(0.1, null, 9, 0)]
    [InlineData(0.1, null, 10, 1)]
    [InlineData(0.1, null, 250, 25)]
    [InlineData(0.1, 5, 250, 5)]
    [InlineData(null, 7, 3, 7)]
    [InlineData(1.0, null, 3, 3)]
    public void The_limit_is_the_smaller_of_the_fraction_of_decided_samples_and_the_count(double? fraction, int? count, long decided, long limit)
    {
        Assert.Equal(limit, StreamingReview.Limit(new ReviewBudget(fraction, count), decided));
    }

    [Fact]
    public void A_sample_is_queued_when_unsure_or_flagged_and_within_budget()
    {
        var budget = new ReviewBudget(MaxCount: 2);

        Assert.True(StreamingReview.ShouldQueue(0.4, flagged: false, maxConfidence: 0.6, budget, queued: 1, decided: 10));
        Assert.False(StreamingReview.ShouldQueue(0.8, flagged: false, maxConfidence: 0.6, budget, queued: 1, decided: 10));
        Assert.True(StreamingReview.ShouldQueue(0.8, flagged: true, maxConfidence: 0.6, budget, queued: 1, decided: 10));
        Assert.False(StreamingReview.ShouldQueue(0.1, flagged: true, maxConfidence: 0.6, budget, queued: 2, decided: 10));
    }
}
