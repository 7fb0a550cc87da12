using Synth.Contracts.Jobs;
using Synth.Generation.Conditions;
using Xunit.Abstractions;

namespace Synth.Generation.Tests;

public sealed class ConditionPlannerTests(ITestOutputHelper output)
{
    // 2 lengths × 3 styles × 4 concept leaves = 24 combinations, with unequal weights on every axis.
    private static ConditionsSpec Spec(SamplingPolicy policy) => new()
    {
        Sampling = policy,
        Dimensions =
        [
            new ConditionDimension { Name = "length", Values = [new() { Value = "short", Weight = 1 }, new() { Value = "long", Weight = 2 }] },
            new ConditionDimension { Name = "style", Values = [new() { Value = "plain" }, new() { Value = "enthusiastic" }, new() { Value = "sarcastic", Weight = 0.5 }] },
        ],
        ConceptTree = new ConceptTreeSpec
        {
            Dimension = "product",
            Topics =
            [
                new ConceptNode { Name = "electronics", Weight = 2, Children = [new() { Name = "headphones" }, new() { Name = "chargers" }] },
                new ConceptNode { Name = "kitchen", Children = [new() { Name = "blenders" }, new() { Name = "coffee makers", Weight = 2 }] },
            ],
        },
    };

    private static string Key(IReadOnlyDictionary<string, string> c) => string.Join("|", c.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));

    private static (double ChiSquare, double MaxDeviation) Measure(ConditionPlanner planner, int requests)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            var key = Key(planner.Plan(i));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        var space = planner.Space;
        double chi = 0, maxDeviation = 0;
        for (var c = 0; c < space.CombinationCount; c++)
        {
            var expected = space.TargetShare(c) * requests;
            var observed = counts.GetValueOrDefault(Key(space.Conditions(c)));
            chi += (observed - expected) * (observed - expected) / expected;
            maxDeviation = Math.Max(maxDeviation, Math.Abs(observed - expected));
        }
        Assert.Equal(requests, counts.Values.Sum());
        Assert.True(counts.Count <= space.CombinationCount);
        return (chi, maxDeviation);
    }

    [Fact]
    public void Least_covered_matches_the_weighted_shares_almost_exactly()
    {
        var planner = new ConditionPlanner(Spec(SamplingPolicy.LeastCovered), seed: 7);
        Assert.Equal(24, planner.Space.CombinationCount);
        var (chi, maxDeviation) = Measure(planner, 3000);
        output.WriteLine($"least-covered, 3000 requests, 24 combinations (df 23): chi-square {chi:F4}, largest |observed - expected| {maxDeviation:F3}");
        // The 5% critical value at 23 degrees of freedom is 35.17; an even spread is far below even that.
        Assert.True(chi < 0.5, $"chi-square {chi}");
        Assert.True(maxDeviation <= 1.0, $"deviation {maxDeviation}");
    }

    [Fact]
    public void Independent_draws_follow_the_weighted_shares()
    {
        var planner = new ConditionPlanner(Spec(SamplingPolicy.Independent), seed: 7);
        var (chi, maxDeviation) = Measure(planner, 4000);
        output.WriteLine($"independent, 4000 requests, 24 combinations (df 23): chi-square {chi:F2}, largest |observed - expected| {maxDeviation:F1}");
        // 49.73 is the 0.1% critical value at 23 degrees of freedom: random draws pass it, a skewed sampler does not.
        Assert.True(chi < 49.73, $"chi-square {chi}");
    }

    [Fact]
    public void Independent_plans_depend_only_on_seed_and_request_index()
    {
        var a = new ConditionPlanner(Spec(SamplingPolicy.Independent), seed: 3);
        var b = new ConditionPlanner(Spec(SamplingPolicy.Independent), seed: 3);
        var c = new ConditionPlanner(Spec(SamplingPolicy.Independent), seed: 4);
        var forward = Enumerable.Range(0, 200).Select(i => Key(a.Plan(i))).ToList();
        var backward = Enumerable.Range(0, 200).Reverse().Select(i => Key(b.Plan(i))).Reverse().ToList();
        Assert.Equal(forward, backward);
        Assert.NotEqual(forward, Enumerable.Range(0, 200).Select(i => Key(c.Plan(i))).ToList());
    }

    [Fact]
    public void Least_covered_plans_the_same_sequence_whatever_order_requests_are_asked_in()
    {
        var inOrder = new ConditionPlanner(Spec(SamplingPolicy.LeastCovered), seed: 0);
        var restarted = new ConditionPlanner(Spec(SamplingPolicy.LeastCovered), seed: 0);
        var expected = Enumerable.Range(0, 100).Select(i => Key(inOrder.Plan(i))).ToList();
        // A restarted generator may be asked for a late request first.
        var late = Key(restarted.Plan(99));
        Assert.Equal(expected[99], late);
        Assert.Equal(expected, Enumerable.Range(0, 100).Select(i => Key(restarted.Plan(i))).ToList());
        Assert.Equal(expected[5], Key(restarted.Plan(5)));
    }

    [Fact]
    public void Concurrent_callers_get_the_same_plans_as_a_single_one()
    {
        var sequential = new ConditionPlanner(Spec(SamplingPolicy.LeastCovered), seed: 0);
        var concurrent = new ConditionPlanner(Spec(SamplingPolicy.LeastCovered), seed: 0);
        var expected = Enumerable.Range(0, 500).Select(i => Key(sequential.Plan(i))).ToList();
        var actual = new string[500];
        Parallel.For(0, 500, i => actual[i] = Key(concurrent.Plan(i)));
        Assert.Equal(expected, actual);
        Assert.Equal(500, concurrent.Coverage.Total);
    }

    [Fact]
    public void Concept_tree_leaves_get_shares_by_weight_down_the_path()
    {
        var tree = new ConceptTree(Spec(SamplingPolicy.LeastCovered).ConceptTree!);
        var leaves = tree.Leaves().ToDictionary(l => l.Path, l => l.Share);
        Assert.Equal(1.0 / 3, leaves["electronics/headphones"], 9);
        Assert.Equal(1.0 / 3, leaves["electronics/chargers"], 9);
        Assert.Equal(1.0 / 9, leaves["kitchen/blenders"], 9);
        Assert.Equal(2.0 / 9, leaves["kitchen/coffee makers"], 9);

        var planner = new ConditionPlanner(new ConditionsSpec { ConceptTree = Spec(SamplingPolicy.LeastCovered).ConceptTree }, seed: 0);
        var counts = Enumerable.Range(0, 900).Select(i => planner.Plan(i)["product"]).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(300, counts["electronics/headphones"]);
        Assert.Equal(300, counts["electronics/chargers"]);
        Assert.Equal(100, counts["kitchen/blenders"]);
        Assert.Equal(200, counts["kitchen/coffee makers"]);
    }

    [Fact]
    public void External_counts_replace_the_planners_own_and_steer_it_to_what_is_missing()
    {
        var spec = new ConditionsSpec
        {
            Dimensions = [new ConditionDimension { Name = "topic", Values = [new() { Value = "a" }, new() { Value = "b" }] }],
        };
        var planner = new ConditionPlanner(spec, seed: 0);
        Assert.Equal("a", planner.Plan(0)["topic"]);
        // The evaluator reports 10 stored samples of "a" and none of "b": the next 10 requests all go to "b".
        planner.Coverage.ReplaceAll([(new Dictionary<string, string> { ["topic"] = "A" }, 10)]);
        var next = Enumerable.Range(1, 10).Select(i => planner.Plan(i)["topic"]).ToList();
        Assert.All(next, t => Assert.Equal("b", t));
        Assert.Equal(20, planner.Coverage.Total);
        Assert.Equal(10, planner.Coverage.Get(new Dictionary<string, string> { ["topic"] = "b" }));
    }

    [Fact]
    public void Samples_per_request_count_towards_coverage()
    {
        var spec = new ConditionsSpec { Dimensions = [new ConditionDimension { Name = "x", Values = [new() { Value = "1" }, new() { Value = "2" }] }] };
        var planner = new ConditionPlanner(spec, seed: 0, samplesPerRequest: 4);
        planner.Plan(2);
        Assert.Equal(12, planner.Coverage.Total);
    }

    [Fact]
    public void Growing_the_tree_replans_and_spreads_the_parents_counts_over_its_children()
    {
        var spec = new ConditionsSpec
        {
            ConceptTree = new ConceptTreeSpec
            {
                Source = ConceptTreeSource.Llm,
                MaxDepth = 2,
                MaxBranching = 3,
                Topics = [new ConceptNode { Name = "sports" }, new ConceptNode { Name = "music" }],
            },
        };
        var planner = new ConditionPlanner(spec, seed: 0);
        var before = Enumerable.Range(0, 10).Select(i => planner.Plan(i)["topic"]).ToList();
        Assert.Equal(5, before.Count(t => t == "sports"));

        var added = planner.AddConcepts("sports", [new() { Name = "tennis" }, new() { Name = "chess" }, new() { Name = "Tennis" }, new() { Name = "golf" }, new() { Name = "rowing" }]);
        Assert.Equal(3, added); // the duplicate is skipped and branching stops at 3
        Assert.Equal(0, planner.AddConcepts("sports/tennis", [new() { Name = "too deep" }]));
        Assert.Equal(["sports/tennis", "sports/chess", "sports/golf", "music"], planner.Space.Axes[0].Values);
        Assert.Equal(["sports", "sports/tennis", "sports/chess", "sports/golf", "music"], planner.Tree!.Paths());
        Assert.True(planner.Tree.Contains("Sports/Golf"));
        Assert.Empty(spec.ConceptTree!.Topics[0].Children); // the spec itself is not grown

        // The 5 earlier "sports" samples count a third each towards tennis, chess and golf: total coverage is kept.
        var projected = planner.Coverage.Project(planner.Space, planner.Tree, out var unmatched);
        Assert.Equal(0, unmatched);
        Assert.Equal(10, projected.Sum(), 9);
        Assert.Equal(5.0 / 3, projected[0], 9);

        var after = Enumerable.Range(10, 60).Select(i => planner.Plan(i)["topic"]).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        // 70 samples in all: music's target is 35 (it has 5), each sport's 11.7 (each has 1.7).
        Assert.Equal(30, after["music"]);
        Assert.All(["sports/tennis", "sports/chess", "sports/golf"], leaf => Assert.InRange(after[leaf], 9, 11));
        // Earlier plans are never rewritten.
        Assert.Equal(before, Enumerable.Range(0, 10).Select(i => planner.Plan(i)["topic"]).ToList());
    }

    [Fact]
    public void A_grown_tree_with_no_topics_yet_plans_without_the_topic_key()
    {
        var spec = new ConditionsSpec
        {
            Dimensions = [new ConditionDimension { Name = "style", Values = [new() { Value = "plain" }] }],
            ConceptTree = new ConceptTreeSpec { Source = ConceptTreeSource.Llm },
        };
        var planner = new ConditionPlanner(spec, seed: 0);
        Assert.False(planner.Plan(0).ContainsKey("topic"));
        planner.AddConcepts("", [new() { Name = "weather" }]);
        Assert.Equal("weather", planner.Plan(1)["topic"]);
    }

    [Fact]
    public void Class_conditional_labels_keep_the_asked_shares_to_within_one_request()
    {
        var spec = new JobSpec
        {
            Task = new TaskSpec
            {
                Type = Synth.Contracts.Samples.TaskType.TextClassification,
                LabelShares = LabelShares.Weights,
                Labels = [new() { Name = "spam", Description = "s", Share = 1 }, new() { Name = "ham", Description = "h", Share = 3 }],
            },
        };
        spec.Conditions.Dimensions.Add(new ConditionDimension { Name = "length", Values = [new() { Value = "short" }, new() { Value = "long" }] });
        var planner = new ConditionPlanner(ClassConditioning.PlannedConditions(spec), seed: 7);

        var labels = Enumerable.Range(0, 400).Select(i => planner.Plan(i)[ClassConditioning.Dimension]).ToList();

        Assert.InRange(labels.Count(l => l == "spam"), 99, 101);
        Assert.InRange(labels.Count(l => l == "ham"), 299, 301);
        Assert.All(Enumerable.Range(0, 400), i => Assert.Contains("length", (IDictionary<string, string>)planner.Plan(i)));
    }
}
