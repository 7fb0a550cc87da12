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
}
