using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Conditions;

namespace Synth.Generation.Tests;

/// <summary>Dataset-wise decomposition's pure steps: which nodes are due, the prompt, reading the answer, and planning on a growing tree.</summary>
public sealed class ConceptExpansionTests
{
    private static ConditionsSpec Spec(params string[] topics) => new()
    {
        Dimensions = [new ConditionDimension { Name = "level", Values = [new() { Value = "easy" }, new() { Value = "hard" }] }],
        ConceptTree = new ConceptTreeSpec
        {
            Source = ConceptTreeSource.Llm,
            MaxDepth = 2,
            MaxBranching = 3,
            Topics = [.. topics.Select(t => new ConceptNode { Name = t })],
        },
    };

    private static readonly TaskSpec Task = new() { Type = TaskType.InstructionResponse, DataDescription = "A science question and its answer.", Purpose = "tutoring" };

    [Fact]
    public void Leaves_become_due_at_the_threshold_most_covered_first_and_never_past_max_depth()
    {
        var planner = new ConditionPlanner(Spec("physics", "biology"), seed: 0);
        var tree = planner.Tree!;
        for (var i = 0; i < 5; i++)
        {
            planner.PlanNext(i);
        }

        // Least-covered alternates the two topics (and the two levels): 3 and 2 samples.
        var coverage = planner.LeafCoverage();
        Assert.Equal(3, coverage["physics"]);
        Assert.Equal(2, coverage["biology"]);
        Assert.Equal(["physics"], ConceptExpansion.Due(tree, coverage, expandAfter: 3, new HashSet<string>()));
        Assert.Empty(ConceptExpansion.Due(tree, coverage, expandAfter: 3, new HashSet<string> { "physics" }));
        Assert.Equal(["physics", "biology"], ConceptExpansion.Due(tree, coverage, expandAfter: 2, new HashSet<string>()));

        planner.AddConcepts("physics", [new ConceptNode { Name = "optics" }, new ConceptNode { Name = "mechanics" }]);
        var grown = planner.LeafCoverage();
        // The parent's samples spread over its children; the children are at maxDepth (2), so never due.
        Assert.Equal(1.5, grown["physics/optics"]);
        Assert.Equal(["biology"], ConceptExpansion.Due(tree, grown, expandAfter: 1, new HashSet<string>()));
    }

    [Fact]
    public void A_tree_without_topics_asks_for_top_level_topics_first()
    {
        var planner = new ConditionPlanner(Spec(), seed: 0);

        Assert.Equal([""], ConceptExpansion.Due(planner.Tree!, planner.LeafCoverage(), 5, new HashSet<string>()));
        Assert.Empty(ConceptExpansion.Due(planner.Tree!, planner.LeafCoverage(), 5, new HashSet<string> { "" }));
        // With no topics yet, requests are planned on the other dimensions alone.
        Assert.Equal(["level"], planner.PlanNext(0).Keys);

        planner.AddConcepts("", [new ConceptNode { Name = "physics" }, new ConceptNode { Name = "chemistry" }]);
        Assert.Contains(planner.PlanNext(1)["topic"], new[] { "physics", "chemistry" });
        Assert.Contains("Propose 4 distinct top-level topics", ConceptExpansion.Prompt(Task, "", [], 4), StringComparison.Ordinal);
    }

    [Fact]
    public void New_leaves_are_planned_for_after_the_tree_grows()
    {
        var planner = new ConditionPlanner(Spec("physics", "biology"), seed: 0);
        for (var i = 0; i < 8; i++)
        {
            planner.PlanNext(i);
        }

        planner.AddConcepts("physics", [new ConceptNode { Name = "optics" }, new ConceptNode { Name = "mechanics" }]);
        var next = Enumerable.Range(8, 8).Select(i => planner.PlanNext(i)["topic"]).ToList();

        // Half the requests go on going to physics, now spread over its two new leaves.
        Assert.Equal(2, next.Count(t => t == "physics/optics"));
        Assert.Equal(2, next.Count(t => t == "physics/mechanics"));
        Assert.Equal(4, next.Count(t => t == "biology"));
    }

    [Fact]
    public void The_prompt_names_the_path_and_the_siblings_not_to_repeat()
    {
        var prompt = ConceptExpansion.Prompt(Task, "physics/optics", ["mechanics"], 3);

        Assert.Contains("A science question and its answer.", prompt, StringComparison.Ordinal);
        Assert.Contains("Topic path: physics > optics", prompt, StringComparison.Ordinal);
        Assert.Contains("Its sibling topics (do not repeat them): mechanics", prompt, StringComparison.Ordinal);
        Assert.Contains("Propose 3 distinct, narrower sub-topics", prompt, StringComparison.Ordinal);
        Assert.Equal(3, ConceptExpansion.Schema(3).GetProperty("properties").GetProperty("topics").GetProperty("maxItems").GetInt32());
    }

    [Fact]
    public void The_answer_is_read_like_sample_output_with_repairs_and_bad_names_left_out()
    {
        var parsed = ConceptExpansion.Parse("""
            Here you go:
            ```json
            {"topics": [{"name": " lenses "}, {"name": "Lenses"}, {"name": "a/b"}, {"name": "lasers", "weight": 2}, "prisms", {"name": ""},],}
            ```
            """, count: 5);

        Assert.True(parsed.Succeeded);
        Assert.Equal(["lenses", "lasers", "prisms"], parsed.Topics.Select(t => t.Name));
        Assert.Equal([1.0, 2.0, 1.0], parsed.Topics.Select(t => t.Weight));
        Assert.Contains("code-fence", parsed.Repairs);
        Assert.Contains("trailing-comma", parsed.Repairs);
    }

    [Fact]
    public void A_cut_off_answer_keeps_its_complete_items_and_at_most_the_count()
    {
        var cut = ConceptExpansion.Parse("""{"topics": [{"name": "lenses"}, {"name": "lasers"}, {"name": "pri""", count: 5);
        Assert.Equal(["lenses", "lasers"], cut.Topics.Select(t => t.Name));
        Assert.Contains("truncated", cut.Repairs);

        Assert.Equal(2, ConceptExpansion.Parse("""["a", "b", "c"]""", count: 2).Topics.Count);
    }

    [Theory]
    [InlineData("I'm sorry, I can't help with that.", "refusal")]
    [InlineData("Sure! Optics and lasers.", "no JSON in the answer")]
    [InlineData("""{"topics": []}""", "no usable sub-topic")]
    [InlineData("""{"note": "none"}""", "the answer holds no list of topics")]
    public void An_unusable_answer_is_a_failure_with_its_reason(string answer, string reason)
    {
        var parsed = ConceptExpansion.Parse(answer, count: 3);

        Assert.False(parsed.Succeeded);
        Assert.Empty(parsed.Topics);
        Assert.StartsWith(reason, parsed.Error, StringComparison.Ordinal);
    }
}
