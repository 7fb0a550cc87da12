using System.Globalization;
using Xunit.Abstractions;

namespace Synth.Evaluation.Downstream.Tests;

public sealed class DownstreamTests(ITestOutputHelper output)
{
    [Fact]
    public void Scores_against_hand_computed_values()
    {
        // a: 3 actual, 2 right; b: 2 actual, 1 right; c: never actual, predicted once.
        var score = TextClassifier.Score(10, ["a", "a", "a", "b", "b"], ["a", "a", "b", "b", "c"]);

        Assert.Equal(3.0 / 5, score.Accuracy, 12);
        Assert.Equal(["a", "b", "c"], score.Labels);
        Assert.Equal([2L, 1, 0], score.Confusion[0]);
        Assert.Equal([0L, 1, 1], score.Confusion[1]);
        var a = score.PerClass[0];
        var b = score.PerClass[1];
        Assert.Equal((1.0, 2.0 / 3, 0.8), (a.Precision, a.Recall, a.F1));
        Assert.Equal((0.5, 0.5, 0.5, 2L), (b.Precision, b.Recall, b.F1, b.Support));
        // Macro-F1 over the benchmark's classes (a, b): (0.8 + 0.5) / 2.
        Assert.Equal(0.65, score.MacroF1, 12);
    }

    [Fact]
    public void Sample_weights_decide_between_contradicting_labels()
    {
        string[] texts = ["the battery lasts all week", "screen is bright and sharp", "arrived fast, works well", "the price was fair"];
        List<LabelledText> Train(double positiveWeight, double negativeWeight) =>
        [
            .. texts.Select(t => new LabelledText(t, "positive", positiveWeight)),
            .. texts.Select(t => new LabelledText(t, "negative", negativeWeight)),
        ];
        var test = texts.Select(t => new LabelledText(t, "positive")).ToList();

        var heavyPositive = new TextClassifier(1).TrainAndScore(Train(5, 0.05), test);
        var heavyNegative = new TextClassifier(1).TrainAndScore(Train(0.05, 5), test);

        Assert.Equal(1.0, heavyPositive.Accuracy);
        Assert.Equal(0.0, heavyNegative.Accuracy);
    }

    [Fact]
    public void On_real_UCI_sentences_trained_on_one_source_and_tested_on_another_it_reports_sensible_figures_and_the_baselines()
    {
        var folder = Path.Combine(BenchmarkData.Folder, "uci-sentiment");
        // amazon stands in for the synthetic set; yelp is the benchmark's test split, imdb its real training data.
        var synthetic = Benchmarks.ReadUciSource(folder, "amazon").Select((s, i) => s with { Weight = i % 10 == 0 ? 0.5 : 1 }).ToList();
        var realTrain = Benchmarks.ReadUciSource(folder, "imdb");
        var test = Benchmarks.ReadUciSource(folder, "yelp");

        var result = DownstreamEvaluation.Run("uci-sentiment (test: yelp)", synthetic, realTrain, test, [0.1, 0.25, 0.5], seed: 7);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"synthetic (amazon, n={result.Synthetic.TrainSize}): accuracy {result.Synthetic.Accuracy:0.000}, macro-F1 {result.Synthetic.MacroF1:0.000}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"real baseline (imdb, n={result.RealBaseline!.TrainSize}): accuracy {result.RealBaseline.Accuracy:0.000}, macro-F1 {result.RealBaseline.MacroF1:0.000}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"real + synthetic (n={result.RealPlusSynthetic!.TrainSize}): accuracy {result.RealPlusSynthetic.Accuracy:0.000}"));
        foreach (var point in result.LearningCurve)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"curve n={point.TrainSize}: accuracy {point.Accuracy:0.000}"));
        }

        Assert.Equal(1000, result.TestSize);
        Assert.Equal(1000, result.Synthetic.TrainSize);
        Assert.Equal(1000, result.RealBaseline.TrainSize);
        Assert.Equal(2000, result.RealPlusSynthetic.TrainSize);
        // Cross-domain sentiment with n-gram features: well above chance (0.5), short of in-domain accuracy.
        Assert.InRange(result.Synthetic.Accuracy, 0.65, 0.95);
        Assert.InRange(result.RealBaseline.Accuracy, 0.6, 0.95);
        Assert.InRange(result.Synthetic.MacroF1, 0.6, 0.95);
        Assert.Equal([100L, 250, 500, 1000], result.LearningCurve.Select(p => p.TrainSize));
        Assert.True(result.LearningCurve[^1].Accuracy > result.LearningCurve[0].Accuracy, "more training data should help on this benchmark");
        Assert.Equal(["negative", "positive"], result.Synthetic.Labels);
        Assert.Equal(1000, result.Synthetic.Confusion.Sum(r => r.Sum()));
    }

    [Fact]
    public void The_UCI_benchmark_splits_by_source_and_SpamAssassin_by_class()
    {
        var uci = Benchmarks.UciSentiment(BenchmarkData.Folder, "imdb");
        var spam = Benchmarks.SpamAssassin(BenchmarkData.Folder, 0.2, seed: 1);

        Assert.Equal((2000, 1000), (uci.Train.Count, uci.Test.Count));
        Assert.Equal(6046, spam.Train.Count + spam.Test.Count);
        Assert.Equal(["ham", "spam"], spam.Test.Select(t => t.Label).Distinct().Order());
        // Headers are dropped: a body does not start with the mbox "From " line.
        Assert.DoesNotContain(spam.Train.Take(50), e => e.Text.StartsWith("From ", StringComparison.Ordinal) && e.Text.Contains("Return-Path:", StringComparison.Ordinal));
        Assert.InRange(spam.Test.Count, 1200, 1220);
    }
}
