using Synth.Contracts.Jobs;

namespace Synth.Evaluation.Tests;

public sealed class PairwiseComparisonTests
{
    [Theory]
    [InlineData(Position.First, Position.Second, PairOutcome.AWins)]
    [InlineData(Position.Second, Position.First, PairOutcome.BWins)]
    [InlineData(Position.First, Position.First, PairOutcome.Tie)]
    [InlineData(Position.Second, Position.Second, PairOutcome.Tie)]
    public void A_win_needs_both_orders_to_agree(Position aShownFirst, Position bShownFirst, PairOutcome outcome)
    {
        Assert.Equal(outcome, PairwiseComparison.Resolve(aShownFirst, bShownFirst));
    }

    [Fact]
    public void A_judge_that_always_picks_the_first_position_gives_all_ties_and_full_bias()
    {
        var result = PairwiseComparison.Tally(Enumerable.Repeat((Position.First, Position.First), 10), failures: 0);

        Assert.Equal(10, result.Pairs);
        Assert.Equal((0L, 0L, 10L), (result.AWins.Successes, result.BWins.Successes, result.Ties.Successes));
        Assert.Equal((20L, 20L), (result.FirstPositionWins.Successes, result.FirstPositionWins.Trials));
        Assert.Equal(1, result.FirstPositionWins.Estimate);
    }

    [Fact]
    public void Rates_by_hand_with_their_wilson_intervals()
    {
        // 3 A wins (first, second), 1 B win (second, first), 1 tie (first, first): first position won 3 + 1 + 2 = 6 of 10.
        (Position, Position)[] judged =
        [
            (Position.First, Position.Second), (Position.First, Position.Second), (Position.First, Position.Second),
            (Position.Second, Position.First), (Position.First, Position.First),
        ];

        var result = PairwiseComparison.Tally(judged, failures: 2);

        var z = ProportionEstimate.Z(0.95);
        Assert.Equal(ProportionEstimate.Wilson(3, 5, z), result.AWins);
        Assert.Equal(ProportionEstimate.Wilson(1, 5, z), result.BWins);
        Assert.Equal(ProportionEstimate.Wilson(1, 5, z), result.Ties);
        Assert.Equal(ProportionEstimate.Wilson(6, 10, z), result.FirstPositionWins);
        Assert.Equal(2, result.Failures);
    }

    [Fact]
    public void Pairs_match_on_the_most_specific_shared_key_then_fall_back()
    {
        // A: pos/x, neg/y, pos/z.  B: neg/y, pos/w, neg/q.
        IReadOnlyList<string>[] a = [["pos|x", "pos"], ["neg|y", "neg"], ["pos|z", "pos"]];
        IReadOnlyList<string>[] b = [["neg|y", "neg"], ["pos|w", "pos"], ["neg|q", "neg"]];

        var pairs = PairwiseComparison.Match(a, b, 3, seed: 1);

        // neg|y matches exactly; one pos of A gets B's pos by label; the other pos is left with B's neg|q.
        Assert.Equal(3, pairs.Count);
        Assert.Contains((1, 0), pairs);
        Assert.Single(pairs, p => p.B == 1 && p.A is 0 or 2);
        Assert.Single(pairs, p => p.B == 2 && p.A is 0 or 2);
        Assert.Equal(pairs, PairwiseComparison.Match(a, b, 3, seed: 1));
    }

    [Fact]
    public void Matching_stops_at_the_count_and_at_the_smaller_set()
    {
        IReadOnlyList<string>[] many = [.. Enumerable.Range(0, 10).Select(i => (IReadOnlyList<string>)[$"k{i % 2}"])];
        IReadOnlyList<string>[] few = [["k0"], ["k1"]];

        Assert.Equal(4, PairwiseComparison.Match(many, many, 4, seed: 0).Count);
        var limited = PairwiseComparison.Match(many, few, 10, seed: 0);
        Assert.Equal(2, limited.Count);
        Assert.All(limited, p => Assert.Equal(p.A % 2, p.B));
        Assert.Empty(PairwiseComparison.Match(many, [], 10, seed: 0));
    }

    [Theory]
    [InlineData("{\"better\": 1}", Position.First)]
    [InlineData("```json\n{\"Better\": \"2\", \"reason\": \"clearer\"}\n```", Position.Second)]
    public void Preferences_are_read_from_the_json_object(string answer, Position position)
    {
        Assert.Equal((position, (string?)null), PairwiseComparison.ParsePreference(answer));
    }

    [Theory]
    [InlineData("Sample 1 is better.", "no JSON object")]
    [InlineData("{\"better\": 3}", "no 'better' of 1 or 2")]
    [InlineData("{\"better\": }", "not valid JSON")]
    public void Unreadable_preferences_say_why(string answer, string problem)
    {
        var (better, why) = PairwiseComparison.ParsePreference(answer);

        Assert.Null(better);
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prompt_shows_both_samples_in_the_given_order()
    {
        var prompt = PairwiseComparison.Prompt(new TaskSpec { DataDescription = "reviews" }, "first text", "second text");

        Assert.True(prompt.IndexOf("first text", StringComparison.Ordinal) < prompt.IndexOf("Sample 2:", StringComparison.Ordinal));
        Assert.True(prompt.IndexOf("second text", StringComparison.Ordinal) > prompt.IndexOf("Sample 2:", StringComparison.Ordinal));
        Assert.Contains("reviews", prompt, StringComparison.Ordinal);
    }
}
