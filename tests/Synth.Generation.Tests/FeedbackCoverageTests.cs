using Synth.Contracts.Jobs;
using Synth.Generation.Conditions;

namespace Synth.Generation.Tests;

public sealed class FeedbackCoverageTests
{
    [Fact]
    public void Each_dimensions_counts_enter_weighted_so_every_sample_counts_once()
    {
        var sets = FeedbackCoverage.Sets(new Dictionary<string, Dictionary<string, long>>
        {
            ["topic"] = new() { ["battery"] = 20, ["screen"] = 10 },
            ["length"] = new() { ["short"] = 30 },
        });

        Assert.Equal(30, sets.Sum(s => s.Count));
        Assert.Equal(10, sets.Single(s => s.Conditions.TryGetValue("topic", out var v) && v == "battery").Count);
        Assert.Equal(15, sets.Single(s => s.Conditions.ContainsKey("length")).Count);
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
        planner.Coverage.ReplaceAll(FeedbackCoverage.Sets(new Dictionary<string, Dictionary<string, long>>
        {
            ["topic"] = new() { ["screen"] = 40, ["battery"] = 4 },
            ["length"] = new() { ["short"] = 22, ["long"] = 22 },
        }));

        var next = Enumerable.Range(8, 10).Select(i => planner.Plan(i)["topic"]).ToList();
        Assert.Equal(10, next.Count(t => t == "battery"));
    }
}
