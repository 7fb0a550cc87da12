using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>Rules of the 'evaluation' section.</summary>
    private void CheckEvaluation()
    {
        var evaluation = spec.Evaluation;
        InRange("evaluation.noveltyReservoir", evaluation.NoveltyReservoir, 1, 1_000_000);
        // Below 0.001 the sample would need millions of pairs per report; above 0.5 the figure says nothing.
        InRange("evaluation.similarityHalfWidth", evaluation.SimilarityHalfWidth, 0.001, 0.5);
        if (evaluation.SimilarityConfidence is <= 0 or >= 1)
        {
            Add("evaluation.similarityConfidence", $"must be greater than 0 and less than 1, got {evaluation.SimilarityConfidence}");
        }

        if (evaluation.ClusterSimilarity is <= 0 or >= 1)
        {
            Add("evaluation.clusterSimilarity", $"must be greater than 0 and less than 1, got {evaluation.ClusterSimilarity}");
        }

        AtLeast("evaluation.feedback.everySamples", evaluation.Feedback.EverySamples, 1);
        Positive("evaluation.feedback.everySeconds", evaluation.Feedback.EverySeconds);

        var export = evaluation.Export;
        InRange("evaluation.export.trainFraction", export.TrainFraction, 0, 1);
        InRange("evaluation.export.validationFraction", export.ValidationFraction, 0, 1);
        InRange("evaluation.export.testFraction", export.TestFraction, 0, 1);
        var total = export.TrainFraction + export.ValidationFraction + export.TestFraction;
        if (Math.Abs(total - 1) > 1e-9)
        {
            Add("evaluation.export.trainFraction", $"train, validation and test fractions must add up to 1, got {total:0.###}");
        }
        else if (export.TrainFraction <= 0)
        {
            Add("evaluation.export.trainFraction", "must be greater than 0: the train split cannot be empty");
        }

        if (evaluation.Indirect is { } indirect)
        {
            CheckIndirect(indirect);
        }

        CheckFaithfulness(evaluation.Faithfulness);
    }

    private void CheckFaithfulness(FaithfulnessSpec faithfulness)
    {
        const string path = "evaluation.faithfulness";
        // Above 0.5 a proportion's interval says nothing; below 0.005 the sample would be tens of thousands of calls.
        InRange($"{path}.marginOfError", faithfulness.MarginOfError, 0.005, 0.5);
        if (faithfulness.Confidence is <= 0 or >= 1)
        {
            Add($"{path}.confidence", $"must be greater than 0 and less than 1, got {faithfulness.Confidence}");
        }

        AtLeast($"{path}.maxJudgements", faithfulness.MaxJudgements, 1);
        if (faithfulness.Model is { } model && string.IsNullOrWhiteSpace(model))
        {
            Add($"{path}.model", "must name a model when given (omit it to use the filter judge's or the generation's model)");
        }

        if (faithfulness.Prompt is { } prompt && string.IsNullOrWhiteSpace(prompt))
        {
            Add($"{path}.prompt", "must hold the judge's instructions when given (omit it for the default question)");
        }
    }

    private void CheckIndirect(IndirectSpec indirect)
    {
        const string path = "evaluation.indirect";
        if (TaskTypeWritten && spec.Task.Type != TaskType.TextClassification)
        {
            Add(path, $"indirect evaluation trains a text classifier; this task is {SpecBinder.EnumName(spec.Task.Type)}");
        }

        string[] uciSources = ["amazon", "imdb", "yelp"];
        switch (indirect.Benchmark)
        {
            case BenchmarkKind.UciSentiment when !uciSources.Contains(indirect.TestSource):
                Add($"{path}.testSource", $"'{indirect.TestSource}' is not a UCI source; use one of {string.Join(", ", uciSources)}");
                break;
            case BenchmarkKind.File when Required($"{path}.file", indirect.File, "the CSV or JSONL benchmark file"):
                FileFound($"{path}.file", indirect.File!);
                if (Path.GetExtension(indirect.File!).ToLowerInvariant() is not (".csv" or ".jsonl" or ".ndjson"))
                {
                    Add($"{path}.file", "must be a .csv or .jsonl file");
                }

                break;
        }

        if (indirect.TestFraction is <= 0 or >= 1)
        {
            Add($"{path}.testFraction", $"must be greater than 0 and less than 1, got {indirect.TestFraction}");
        }

        for (var i = 0; i < indirect.LearningCurve.Count; i++)
        {
            if (indirect.LearningCurve[i] is <= 0 or >= 1)
            {
                Add($"{path}.learningCurve[{i}]", $"must be greater than 0 and less than 1 (the whole set is always a point), got {indirect.LearningCurve[i]}");
            }
        }
    }
}
