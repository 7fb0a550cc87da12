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
    }
}
