using Microsoft.ML;
using Microsoft.ML.Data;

namespace Synth.Evaluation.Processor.Downstream;

/// <summary>
/// The downstream model of indirect evaluation: word 1–2-gram and character 3-gram features (ML.NET FeaturizeText)
/// into a multiclass linear model (SDCA maximum entropy) that honours each example's weight. Deterministic for a seed
/// (one training thread), so a rerun reports the same figures.
/// </summary>
public sealed class TextClassifier(int seed)
{
    private readonly MLContext _ml = new(seed);

    public ClassifierScore TrainAndScore(IReadOnlyList<LabelledText> train, IReadOnlyList<LabelledText> test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Select(t => t.Label).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            throw new ArgumentException("The training set needs at least two labels.", nameof(train));
        }

        if (test.Count == 0)
        {
            throw new ArgumentException("The test set is empty.", nameof(test));
        }

        var data = _ml.Data.LoadFromEnumerable(train.Select(t => new Row { Text = t.Text, Label = t.Label, Weight = (float)t.Weight }));
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Row.Label))
            .Append(_ml.Transforms.Text.FeaturizeText("Features", nameof(Row.Text)))
            .Append(_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                labelColumnName: "LabelKey", featureColumnName: "Features", exampleWeightColumnName: nameof(Row.Weight)))
            .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        var scored = model.Transform(_ml.Data.LoadFromEnumerable(test.Select(t => new Row { Text = t.Text, Label = t.Label, Weight = 1 })));
        var predicted = _ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Select(p => p.PredictedLabel).ToList();
        return Score(train.Count, test.Select(t => t.Label).ToList(), predicted);
    }

    /// <summary>Accuracy, macro-F1 (the unweighted mean of the classes' F1) and the per-class report of predictions.</summary>
    public static ClassifierScore Score(long trainSize, IReadOnlyList<string> actual, IReadOnlyList<string> predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(predicted.Count, actual.Count);
        var labels = actual.Concat(predicted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var confusion = labels.Select(_ => new long[labels.Count]).ToArray();
        for (var k = 0; k < actual.Count; k++)
        {
            confusion[index[actual[k]]][index[predicted[k]]]++;
        }

        var reports = new List<ClassReport>();
        for (var i = 0; i < labels.Count; i++)
        {
            var truePositives = confusion[i][i];
            var predictedAs = confusion.Sum(row => row[i]);
            var support = confusion[i].Sum();
            var precision = predictedAs == 0 ? 0 : (double)truePositives / predictedAs;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            reports.Add(new ClassReport(labels[i], precision, recall, f1, support));
        }

        // Classes only ever predicted (support 0) are not part of the benchmark's classes; they lower precision elsewhere.
        var scoredClasses = reports.Where(r => r.Support > 0).ToList();
        var correct = Enumerable.Range(0, labels.Count).Sum(i => confusion[i][i]);
        return new ClassifierScore(trainSize, (double)correct / actual.Count, scoredClasses.Average(r => r.F1), reports, labels,
            [.. confusion.Select(row => (IReadOnlyList<long>)row)]);
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
        public float Weight { get; set; }
    }

    private sealed class Prediction
    {
        [ColumnName("PredictedLabel")]
        public string PredictedLabel { get; set; } = "";
    }
}
