namespace Synth.Evaluation.Processor.Downstream;

/// <summary>
/// Indirect evaluation: train the downstream classifier on the synthetic data and score it on a real benchmark's test
/// split, beside the same model trained on real data of equal size and on real plus synthetic, and a learning curve
/// over the synthetic set's size. Pure: the caller loads the data.
/// </summary>
public static class DownstreamEvaluation
{
    public static DownstreamResult Run(
        string benchmark,
        IReadOnlyList<LabelledText> synthetic,
        IReadOnlyList<LabelledText> realTrain,
        IReadOnlyList<LabelledText> realTest,
        IReadOnlyList<double> curveFractions,
        int seed)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(realTrain);
        ArgumentNullException.ThrowIfNull(curveFractions);
        var classifier = new TextClassifier(seed);
        var random = new Random(seed);
        var shuffled = synthetic.OrderBy(_ => random.Next()).ToList();
        var syntheticScore = classifier.TrainAndScore(shuffled, realTest);

        ClassifierScore? realScore = null, combinedScore = null;
        if (realTrain.Count > 0)
        {
            var equal = realTrain.OrderBy(_ => random.Next()).Take(synthetic.Count).ToList();
            realScore = classifier.TrainAndScore(equal, realTest);
            combinedScore = classifier.TrainAndScore([.. equal, .. shuffled], realTest);
        }

        // Nested prefixes of one shuffle: each point adds data to the previous one, so the curve shows the data's effect.
        var curve = new List<ClassifierScore>();
        foreach (var fraction in curveFractions.Where(f => f is > 0 and < 1).Order())
        {
            var subset = shuffled.Take(Math.Max(2, (int)Math.Round(shuffled.Count * fraction))).ToList();
            if (subset.Select(s => s.Label).Distinct(StringComparer.Ordinal).Count() >= 2)
            {
                curve.Add(classifier.TrainAndScore(subset, realTest));
            }
        }

        curve.Add(syntheticScore);
        return new DownstreamResult(benchmark, realTest.Count, syntheticScore, realScore, combinedScore, curve);
    }
}
