using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>The 'curation.labelRefinement' section: defaults, binding and validation.</summary>
public sealed class LabelRefinementSpecTests
{
    private static string Spec(string refinement, string type = "text-classification") => $"""
        name: refine
        task:
          type: {type}
          dataDescription: d
        {(type == "text-classification" ? "  labels:\n    - { name: pos, description: p }\n    - { name: neg, description: n }" : "")}
        generation:
          baseUrl: http://h/v1
          model: m
        {refinement}
        """;

    private static JobSpecValidationException Invalid(string yaml) =>
        Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(yaml, "job.yaml"));

    [Fact]
    public void Without_the_section_the_student_runs_and_review_queues_low_confidence_samples()
    {
        var refinement = JobSpecLoader.Parse(Spec(""), "job.yaml").Curation.LabelRefinement;

        Assert.False(refinement.LlmRelabel.Enabled);
        Assert.True(refinement.Student.Enabled);
        Assert.Equal((5, 100, 0.9, StudentPolicy.Relabel), (refinement.Student.Folds, refinement.Student.MinTrainingSamples, refinement.Student.MinConfidence, refinement.Student.Policy));
        Assert.True(refinement.Review.Enabled);
        Assert.Equal((0.6, 0.1, (int?)null), (refinement.Review.MaxConfidence, refinement.Review.MaxFraction, refinement.Review.MaxCount));
    }

    [Fact]
    public void Every_field_binds_with_kebab_case_enums()
    {
        var refinement = JobSpecLoader.Parse(Spec("""
            curation:
              labelRefinement:
                llmRelabel:
                  enabled: true
                  votes: 5
                  minAgreement: 0.8
                  prompt: Label the review.
                  maxRequests: 500
                  model: { provider: openai-compatible, baseUrl: "http://other/v1", model: judge, apiKeyEnv: RELABEL_KEY, temperature: 1.0 }
                student: { folds: 4, features: text-and-embedding, minTrainingSamples: 40, minConfidence: 0.75, policy: flag, retrainAfter: 20 }
                review: { maxConfidence: 0.5, maxFraction: 0.05, maxCount: 30 }
            """), "job.yaml").Curation.LabelRefinement;

        Assert.Equal((true, 5, 0.8, "Label the review.", (long?)500), (refinement.LlmRelabel.Enabled, refinement.LlmRelabel.Votes, refinement.LlmRelabel.MinAgreement, refinement.LlmRelabel.Prompt, refinement.LlmRelabel.MaxRequests));
        Assert.Equal(("judge", "RELABEL_KEY", 1.0), (refinement.LlmRelabel.Model!.Model, refinement.LlmRelabel.Model.ApiKeyEnv, refinement.LlmRelabel.Model.Temperature));
        Assert.Equal((4, StudentFeatureSet.TextAndEmbedding, 40, 0.75, StudentPolicy.Flag, 20),
            (refinement.Student.Folds, refinement.Student.Features, refinement.Student.MinTrainingSamples, refinement.Student.MinConfidence, refinement.Student.Policy, refinement.Student.RetrainAfter));
        Assert.Equal((0.5, 0.05, (int?)30), (refinement.Review.MaxConfidence, refinement.Review.MaxFraction, refinement.Review.MaxCount));
    }

    [Fact]
    public void Out_of_range_values_are_reported_with_their_field_and_line()
    {
        var e = Invalid(Spec("""
            curation:
              labelRefinement:
                llmRelabel: { votes: 0, minAgreement: 1.5, maxRequests: 0 }
                student: { folds: 1, minTrainingSamples: 1, minConfidence: 2, retrainAfter: 0 }
                review: { maxConfidence: -0.1, maxFraction: 1.2, maxCount: -1 }
            """));

        Assert.Equal(
            [
                "curation.labelRefinement.llmRelabel.votes", "curation.labelRefinement.llmRelabel.minAgreement", "curation.labelRefinement.llmRelabel.maxRequests",
                "curation.labelRefinement.student.folds", "curation.labelRefinement.student.minTrainingSamples", "curation.labelRefinement.student.minConfidence", "curation.labelRefinement.student.retrainAfter",
                "curation.labelRefinement.review.maxConfidence", "curation.labelRefinement.review.maxFraction", "curation.labelRefinement.review.maxCount",
            ],
            e.Errors.Select(x => x.FieldPath));
        Assert.All(e.Errors, x => Assert.NotNull(x.Line));
        Assert.Equal(13, e.Errors[0].Line);
    }

    [Fact]
    public void The_relabel_model_connection_is_checked_like_the_generation_one()
    {
        var e = Invalid(Spec("""
            curation:
              labelRefinement:
                llmRelabel:
                  enabled: true
                  model: { provider: azure-openai, baseUrl: "not a url", apiKeyEnv: 9bad }
            """));

        Assert.Equal(
            ["curation.labelRefinement.llmRelabel.model.apiKeyEnv", "curation.labelRefinement.llmRelabel.model.baseUrl", "curation.labelRefinement.llmRelabel.model.deployment"],
            e.Errors.Select(x => x.FieldPath).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("9bad", e.Errors.Single(x => x.FieldPath.EndsWith("apiKeyEnv", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_section_is_refused_for_a_task_without_labels()
    {
        var e = Invalid(Spec("curation:\n  labelRefinement:\n    student: { folds: 3 }", type: "question-answering"));

        Assert.Contains("text-classification only", Assert.Single(e.Errors, x => x.FieldPath == "curation.labelRefinement").Message, StringComparison.Ordinal);
    }
}
