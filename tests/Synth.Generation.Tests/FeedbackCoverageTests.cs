using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Generation.Conditions;

namespace Synth.Generation.Tests;

public sealed class FeedbackCoverageTests
{
    [Fact]
    public void Only_each_instances_latest_counts_are_summed()
    {
        var coverage = new FeedbackCoverage();
        Assert.True(coverage.Take(Message("a", 10, ("topic", "battery", 10))));
        Assert.True(coverage.Take(Message("a", 30, ("topic", "battery", 20), ("topic", "screen", 10))));
        Assert.False(coverage.Take(Message("a", 20, ("topic", "battery", 99))));
        Assert.True(coverage.Take(Message("b", 5, ("topic", "screen", 5))));

        var sets = coverage.CoverageSets().ToDictionary(s => s.Conditions["topic"], s => s.Count);

        Assert.Equal(35, coverage.SamplesEvaluated);
        Assert.Equal(20, sets["battery"]);
        Assert.Equal(15, sets["screen"]);
    }

    [Fact]
    public void Feedback_steers_least_covered_planning_towards_what_the_evaluator_saw_least()
    {
        var spec = new ConditionsSpec
        {
            Dimensions =
            [
                new ConditionDimension { Name = "topic", Values = [new() { Value = "battery" }, new() { Value = "screen" }] },
                new ConditionDimension { Name = "length", Values = [new() { Value = "short" }, new() { Value = "long" }] },
            ],
        };
        var planner = new ConditionPlanner(spec, seed: 1);
        for (var i = 0; i < 8; i++)
        {
            planner.Plan(i);
        }

        // The filter rejected most battery samples: the evaluator saw 40 screen samples and 4 battery ones.
        var coverage = new FeedbackCoverage();
        coverage.Take(Message("e", 44, ("topic", "screen", 40), ("topic", "battery", 4), ("length", "short", 22), ("length", "long", 22)));
        planner.Coverage.ReplaceAll(coverage.CoverageSets());

        var next = Enumerable.Range(8, 10).Select(i => planner.Plan(i)["topic"]).ToList();
        Assert.Equal(10, next.Count(t => t == "battery"));
    }

    private static FeedbackMessage Message(string instance, long evaluated, params (string Dimension, string Value, long Count)[] counts) => new()
    {
        JobId = "job",
        Instance = instance,
        At = DateTimeOffset.UnixEpoch.AddSeconds(evaluated),
        SamplesEvaluated = evaluated,
        ConditionCounts = counts.GroupBy(c => c.Dimension).ToDictionary(g => g.Key, g => g.ToDictionary(c => c.Value, c => c.Count)),
    };
}
