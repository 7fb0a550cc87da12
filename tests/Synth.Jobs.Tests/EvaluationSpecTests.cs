using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>The 'evaluation' section: defaults with no section, binding, and its rules with field paths and lines.</summary>
public sealed class EvaluationSpecTests
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
    public void No_section_gives_working_defaults()
    {
        var spec = JobSpecLoader.Parse(Base, "job.yaml");

        var evaluation = spec.Evaluation;
        Assert.True(evaluation.Embeddings);
        Assert.Equal(2000, evaluation.NoveltyReservoir);
        Assert.Equal((0.02, 0.95), (evaluation.SimilarityHalfWidth, evaluation.SimilarityConfidence));
        Assert.Equal((50, 10.0), (evaluation.Feedback.EverySamples, evaluation.Feedback.EverySeconds));
        Assert.Equal((0.8, 0.1, 0.1, 0), (evaluation.Export.TrainFraction, evaluation.Export.ValidationFraction, evaluation.Export.TestFraction, evaluation.Export.Seed));
    }

    [Fact]
    public void Written_values_bind()
    {
        var spec = JobSpecLoader.Parse(Base + """

            evaluation:
              embeddings: false
              noveltyReservoir: 100
              similarityHalfWidth: 0.05
              similarityConfidence: 0.99
              feedback: { everySamples: 5, everySeconds: 1.5 }
              export: { trainFraction: 0.6, validationFraction: 0.2, testFraction: 0.2, seed: 7 }
            """, "job.yaml");

        Assert.False(spec.Evaluation.Embeddings);
        Assert.Equal(100, spec.Evaluation.NoveltyReservoir);
        Assert.Equal(0.99, spec.Evaluation.SimilarityConfidence);
        Assert.Equal((5, 1.5), (spec.Evaluation.Feedback.EverySamples, spec.Evaluation.Feedback.EverySeconds));
        Assert.Equal((0.6, 7), (spec.Evaluation.Export.TrainFraction, spec.Evaluation.Export.Seed));
    }

    [Fact]
    public void Every_bad_value_is_reported_with_its_path_and_line()
    {
        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Base + """

            evaluation:
              noveltyReservoir: 0
              similarityHalfWidth: 0.9
              similarityConfidence: 1
              feedback:
                everySamples: 0
                everySeconds: 0
            """, "job.yaml"));

        Assert.Equal(
            ["evaluation.noveltyReservoir", "evaluation.similarityHalfWidth", "evaluation.similarityConfidence",
             "evaluation.feedback.everySamples", "evaluation.feedback.everySeconds"],
            e.Errors.Select(x => x.FieldPath));
        Assert.Equal([9L, 10, 11, 13, 14], e.Errors.Select(x => x.Line ?? 0));
        Assert.All(e.Errors, x => Assert.Equal("job.yaml", x.SourceName));
    }

    [Fact]
    public void Split_fractions_must_add_up_to_one_and_leave_a_train_split()
    {
        var sum = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Base + """

            evaluation:
              export: { trainFraction: 0.5, validationFraction: 0.1, testFraction: 0.1 }
            """, "job.yaml"));
        var noTrain = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Base + """

            evaluation:
              export: { trainFraction: 0, validationFraction: 0.5, testFraction: 0.5 }
            """, "job.yaml"));
        var negative = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Base + """

            evaluation:
              export: { trainFraction: 1.2, validationFraction: -0.1, testFraction: -0.1 }
            """, "job.yaml"));

        Assert.Contains("add up to 1, got 0.7", Assert.Single(sum.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("cannot be empty", Assert.Single(noTrain.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(["evaluation.export.trainFraction", "evaluation.export.validationFraction", "evaluation.export.testFraction"],
            negative.Errors.Select(x => x.FieldPath));
    }
}

/// <summary>The 'evaluation.indirect' section.</summary>
public sealed class IndirectSpecTests
{
    private const string Classification = """
        name: indirect
        task:
          type: text-classification
          dataDescription: d
          labels:
            - { name: positive, description: p }
            - { name: negative, description: n }
        generation:
          baseUrl: http://127.0.0.1:9/v1
          model: m
        """;

    [Fact]
    public void Indirect_evaluation_is_off_unless_written_and_defaults_to_UCI_tested_on_yelp()
    {
        Assert.Null(JobSpecLoader.Parse(Classification, "job.yaml").Evaluation.Indirect);

        var spec = JobSpecLoader.Parse(Classification + "\nevaluation:\n  indirect: {}\n", "job.yaml", "/specs");

        var indirect = spec.Evaluation.Indirect!;
        Assert.Equal(BenchmarkKind.UciSentiment, indirect.Benchmark);
        Assert.Equal("yelp", indirect.TestSource);
        Assert.Equal("/specs/data/benchmarks", indirect.DataFolder);
        Assert.Equal([0.1, 0.25, 0.5], indirect.LearningCurve);
    }

    [Fact]
    public void A_user_file_benchmark_binds_and_must_exist()
    {
        using var folder = new SpecFolder();
        folder.Write("bench.csv", "text,label\n");
        var ok = JobSpecLoader.Parse(Classification + "\nevaluation:\n  indirect: { benchmark: file, file: bench.csv, labelField: y }\n", "job.yaml", folder.Root);
        var missing = Assert.Throws<JobSpecValidationException>(() =>
            JobSpecLoader.Parse(Classification + "\nevaluation:\n  indirect: { benchmark: file, file: none.jsonl }\n", "job.yaml", folder.Root));

        Assert.Equal(Path.Combine(folder.Root, "bench.csv"), ok.Evaluation.Indirect!.File);
        Assert.Equal("y", ok.Evaluation.Indirect.LabelField);
        Assert.Contains("file not found: 'none.jsonl'", Assert.Single(missing.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_indirect_settings_are_reported_with_their_paths()
    {
        var e = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Classification + """

            evaluation:
              indirect:
                benchmark: uci-sentiment
                testSource: twitter
                testFraction: 1
                learningCurve: [0.5, 1.5]
            """, "job.yaml"));
        var notClassification = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse("""
            name: x
            task: { type: dialogue, dataDescription: d }
            generation: { baseUrl: http://127.0.0.1:9/v1, model: m }
            evaluation: { indirect: { benchmark: spam-assassin } }
            """, "job.yaml"));
        var noFile = Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Classification + "\nevaluation:\n  indirect: { benchmark: file }\n", "job.yaml"));

        Assert.Equal(["evaluation.indirect.testSource", "evaluation.indirect.testFraction", "evaluation.indirect.learningCurve[1]"],
            e.Errors.Select(x => x.FieldPath));
        Assert.Contains("this task is dialogue", Assert.Single(notClassification.Errors).Message, StringComparison.Ordinal);
        Assert.Equal("evaluation.indirect.file", Assert.Single(noFile.Errors).FieldPath);
    }
}
