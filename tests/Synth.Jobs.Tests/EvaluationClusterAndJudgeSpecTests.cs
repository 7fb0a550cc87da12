using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>evaluation.clusterSimilarity and evaluation.faithfulness: defaults, binding, and rules with field paths and lines.</summary>
public sealed class EvaluationClusterAndJudgeSpecTests
{
    private const string Base = """
        name: eval
        task:
          type: instruction-response
          dataDescription: d
        generation:
          baseUrl: http://127.0.0.1:9/v1
          model: m
        """;

    [Fact]
    public void Cluster_similarity_defaults_to_0_7_and_binds()
    {
        Assert.Equal(0.7, JobSpecLoader.Parse(Base, "job.yaml").Evaluation.ClusterSimilarity);
        Assert.Equal(0.85, JobSpecLoader.Parse(Base + "\nevaluation:\n  clusterSimilarity: 0.85\n", "job.yaml").Evaluation.ClusterSimilarity);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-0.2")]
    public void Cluster_similarity_outside_0_to_1_is_an_error_at_its_line(string value)
    {
        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Base + $"\nevaluation:\n  clusterSimilarity: {value}\n", "job.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("evaluation.clusterSimilarity", 9L), (error.FieldPath, error.Line ?? 0));
        Assert.Contains("greater than 0 and less than 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Faithfulness_is_off_by_default_with_a_5_percent_margin_at_95_percent()
    {
        var faithfulness = JobSpecLoader.Parse(Base, "job.yaml").Evaluation.Faithfulness;

        Assert.False(faithfulness.Enabled);
        Assert.Equal((0.05, 0.95, 500L), (faithfulness.MarginOfError, faithfulness.Confidence, faithfulness.MaxJudgements));
        Assert.Null(faithfulness.Model);
        Assert.Null(faithfulness.Prompt);
    }

    [Fact]
    public void Faithfulness_fields_bind()
    {
        var faithfulness = JobSpecLoader.Parse(Base + """

            evaluation:
              faithfulness:
                enabled: true
                marginOfError: 0.03
                confidence: 0.99
                maxJudgements: 2000
                model: judge-large
                prompt: Is the answer supported by the context?
            """, "job.yaml").Evaluation.Faithfulness;

        Assert.True(faithfulness.Enabled);
        Assert.Equal((0.03, 0.99, 2000L), (faithfulness.MarginOfError, faithfulness.Confidence, faithfulness.MaxJudgements));
        Assert.Equal(("judge-large", "Is the answer supported by the context?"), (faithfulness.Model, faithfulness.Prompt));
    }

    [Fact]
    public void Every_bad_faithfulness_value_is_reported_with_its_path_and_line()
    {
        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Base + """

            evaluation:
              faithfulness:
                enabled: true
                marginOfError: 0.7
                confidence: 1.5
                maxJudgements: 0
                model: " "
                prompt: ""
            """, "job.yaml"));

        Assert.Equal(
            ["evaluation.faithfulness.marginOfError", "evaluation.faithfulness.confidence", "evaluation.faithfulness.maxJudgements",
             "evaluation.faithfulness.model", "evaluation.faithfulness.prompt"],
            e.Errors.Select(x => x.FieldPath));
        Assert.Equal([11L, 12, 13, 14, 15], e.Errors.Select(x => x.Line ?? 0));
        Assert.Contains("between 0.005 and 0.5, got 0.7", e.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_faithfulness_field_is_an_error()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Base + """

            evaluation:
              faithfulness:
                margin: 0.1
            """, "job.yaml"));

        Assert.Contains(e.Errors, x => x.FieldPath.StartsWith("evaluation.faithfulness", StringComparison.Ordinal) && x.Line == 10);
    }
}
