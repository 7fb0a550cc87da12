using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>The concept-tree fields that steer dataset-wise decomposition: defaults and rules.</summary>
public sealed class DecompositionSpecTests
{
    private static string Spec(string tree, string strategy = "dataset-decomposition") => $"""
        name: decomposition-rules
        task: {"{"} type: instruction-response, dataDescription: d {"}"}
        conditions:
          conceptTree:
        {tree}
        generation:
          strategy: {strategy}
          baseUrl: http://h/v1
          model: m
        """;

    private static JobSpecValidationException Invalid(string tree, string strategy = "dataset-decomposition") =>
        Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Spec(tree, strategy), "job.yaml"));

    [Fact]
    public void Defaults_split_a_topic_after_20_samples_into_4_sub_topics()
    {
        var tree = JobSpecLoader.Parse(Spec("    source: llm\n    topics: [physics]"), "job.yaml").Conditions.ConceptTree!;

        Assert.Equal(20, tree.ExpandAfter);
        Assert.Equal(4, tree.ChildrenPerNode);
        Assert.Equal(ConceptTreeSource.Llm, tree.Source);
    }

    [Fact]
    public void Written_values_are_bound()
    {
        var tree = JobSpecLoader.Parse(Spec("    source: llm\n    maxBranching: 8\n    expandAfter: 50\n    childrenPerNode: 6"), "job.yaml").Conditions.ConceptTree!;

        Assert.Equal(50, tree.ExpandAfter);
        Assert.Equal(6, tree.ChildrenPerNode);
    }

    [Fact]
    public void Out_of_range_values_are_errors_naming_the_field_and_line()
    {
        var error = Invalid("    source: llm\n    expandAfter: 0\n    childrenPerNode: 0");

        var expandAfter = Assert.Single(error.Errors, e => e.FieldPath == "conditions.conceptTree.expandAfter");
        Assert.Equal(6, expandAfter.Line);
        Assert.Contains("at least 1", expandAfter.Message, StringComparison.Ordinal);
        Assert.Equal(7, Assert.Single(error.Errors, e => e.FieldPath == "conditions.conceptTree.childrenPerNode").Line);
    }

    [Fact]
    public void More_children_per_node_than_max_branching_is_an_error_when_written()
    {
        var error = Invalid("    source: llm\n    maxBranching: 3\n    childrenPerNode: 5");

        Assert.Contains("more than maxBranching (3)", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
        // The default (4) above a small maxBranching is capped, not an error.
        Assert.Equal(2, JobSpecLoader.Parse(Spec("    source: llm\n    maxBranching: 2"), "job.yaml").Conditions.ConceptTree!.MaxBranching);
    }

    [Fact]
    public void Growth_fields_on_a_tree_from_the_spec_are_errors()
    {
        var error = Invalid("    topics: [physics]\n    expandAfter: 10", strategy: "single-step");

        var growth = Assert.Single(error.Errors);
        Assert.Equal("conditions.conceptTree.expandAfter", growth.FieldPath);
        Assert.Contains("source: llm", growth.Message, StringComparison.Ordinal);
    }
}
