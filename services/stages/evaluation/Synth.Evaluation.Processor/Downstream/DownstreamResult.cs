namespace Synth.Evaluation.Processor.Downstream;

/// <param name="Synthetic">The model trained on the synthetic data (with its weights).</param>
/// <param name="RealBaseline">The same model on as many real training examples as there are synthetic ones; null without real training data.</param>
/// <param name="RealPlusSynthetic">The same model on those real examples plus the synthetic data; null without real training data.</param>
/// <param name="LearningCurve">The synthetic model's score as its training set grows (nested random subsets).</param>
public sealed record DownstreamResult(
    string Benchmark,
    long TestSize,
    ClassifierScore Synthetic,
    ClassifierScore? RealBaseline,
    ClassifierScore? RealPlusSynthetic,
    IReadOnlyList<ClassifierScore> LearningCurve);
