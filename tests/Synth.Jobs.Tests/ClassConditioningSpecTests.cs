using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>Class-conditional generation and the curated target: <c>task.labelShares</c>, label shares, <c>generation.maxGenerated</c>.</summary>
public sealed class ClassConditioningSpecTests
{
    private static string Spec(string labels, string extra = "", string generation = "") => $"""
        name: classes
        task:
          type: text-classification
          dataDescription: d
        {labels}
        generation:
          baseUrl: http://h/v1
          model: m
          target: 100
        {generation}
        {extra}
        """;

    private const string TwoLabels = """
          labels:
            - { name: positive, description: p }
            - { name: negative, description: n }
        """;

    private static JobSpecValidationException Invalid(string yaml) =>
        Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

    [Fact]
    public void A_classification_job_asks_each_request_for_one_label_spread_evenly_by_default()
    {
        var spec = JobSpecLoader.Parse(Spec(TwoLabels), "job.yaml");

        Assert.Equal(LabelShares.Uniform, spec.Task.LabelShares);
        Assert.True(ClassConditioning.Applies(spec));
        var label = Assert.Single(ClassConditioning.PlannedConditions(spec).Dimensions);
        Assert.Equal(ClassConditioning.Dimension, label.Name);
        Assert.Equal([("positive", 1.0), ("negative", 1.0)], label.Values.Select(v => (v.Value, v.Weight)));
    }

    [Fact]
    public void Weights_take_each_labels_share_and_off_asks_for_none()
    {
        var weighted = JobSpecLoader.Parse(Spec("""
              labelShares: weights
              labels:
                - { name: positive, description: p, share: 3 }
                - { name: negative, description: n, share: 1 }
            """), "job.yaml");
        Assert.Equal([3.0, 1.0], ClassConditioning.PlannedConditions(weighted).Dimensions.Single().Values.Select(v => v.Weight));

        var off = JobSpecLoader.Parse(Spec(TwoLabels + "\n  labelShares: off"), "job.yaml");
        Assert.False(ClassConditioning.Applies(off));
        Assert.Empty(ClassConditioning.PlannedConditions(off).Dimensions);
    }

    [Fact]
    public void Weights_need_a_share_on_every_label_and_a_share_needs_weights()
    {
        var missing = Invalid(Spec("""
              labelShares: weights
              labels:
                - { name: positive, description: p, share: 3 }
                - { name: negative, description: n }
            """));
        Assert.Equal("task.labels[1].share", Assert.Single(missing.Errors).FieldPath);

        var stray = Invalid(Spec("""
              labels:
                - { name: positive, description: p, share: 3 }
                - { name: negative, description: n }
            """));
        Assert.Contains("only with task.labelShares: weights", Assert.Single(stray.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_quota_is_on_by_default_may_be_switched_off_and_needs_shares()
    {
        Assert.Null(JobSpecLoader.Parse(Spec(TwoLabels), "job.yaml").Task.LabelQuota);
        Assert.False(JobSpecLoader.Parse(Spec(TwoLabels + "\n  labelQuota: false"), "job.yaml").Task.LabelQuota);

        var e = Invalid(Spec(TwoLabels + "\n  labelShares: off\n  labelQuota: true"));
        Assert.Equal("task.labelQuota", Assert.Single(e.Errors).FieldPath);
        Assert.Contains("task.labelShares", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dimension_named_label_clashes_with_the_class_condition()
    {
        var e = Invalid(Spec(TwoLabels, "conditions:\n  dimensions:\n    - { name: label, values: [a, b] }"));

        Assert.Equal("conditions.dimensions[0].name", Assert.Single(e.Errors).FieldPath);
        Assert.Contains("labelShares: off", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cap_on_generated_samples_is_at_least_the_target()
    {
        var e = Invalid(Spec(TwoLabels, generation: "  maxGenerated: 50"));

        Assert.Equal("generation.maxGenerated", Assert.Single(e.Errors).FieldPath);
    }
}
