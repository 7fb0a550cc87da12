using System.Diagnostics;
using System.Globalization;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Xunit.Abstractions;

namespace Synth.Curation.Tests;

public sealed class StudentRefinerTests(ITestOutputHelper output)
{
    private static readonly string[] Labels = ["negative", "positive"];
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Cross_partition_student_corrects_flipped_labels_of_real_sentences()
    {
        var sentences = UciSentences.Load3000();
        var random = new Random(7);
        var flipped = sentences.OrderBy(_ => random.Next()).Take(sentences.Count / 5).Select(sentence => sentence.Id).ToHashSet(StringComparer.Ordinal);
        var truth = sentences.ToDictionary(sentence => sentence.Id, sentence => Labels[sentence.Label], StringComparer.Ordinal);
        var noisy = sentences.Select(sentence => new StudentSample(sentence.Id, sentence.Text, Labels[flipped.Contains(sentence.Id) ? 1 - sentence.Label : sentence.Label])).ToList();

        var options = new StudentOptions(Folds: 5, Seed: 11, MinConfidence: MinConfidence);
        var clock = Stopwatch.StartNew();
        var revisions = new StudentRefiner(Labels, options).Refine(noisy, At);
        var seconds = clock.Elapsed.TotalSeconds;

        output.WriteLine($"{noisy.Count} sentences, {flipped.Count} labels flipped (seed 7), K = {options.Folds}, {options.Trainer} on {options.Features}: {seconds:0.0} s");
        foreach (var threshold in new[] { 0.55, 0.6, 0.65, 0.7, 0.75, 0.8 })
        {
            var acted = revisions.Where(revision => revision.Prediction.PredictedLabel != revision.Prediction.CurrentLabel && revision.Prediction.Probability >= threshold).ToList();
            var right = acted.Count(revision => revision.Prediction.PredictedLabel == truth[revision.Prediction.SampleId]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"min confidence {threshold:0.00}: {acted.Count} relabelled, {right} restore the true label: corrects {(double)right / flipped.Count:P1} of the flips at precision {(acted.Count == 0 ? 0 : (double)right / acted.Count):P1}"));
        }

        var relabelled = revisions.Where(revision => revision.Action == RevisionAction.Relabel).ToList();
        var corrected = relabelled.Count(revision => revision.Change!.To == truth[revision.Prediction.SampleId]);
        var share = (double)corrected / flipped.Count;
        var precision = (double)corrected / relabelled.Count;
        output.WriteLine($"chosen min confidence {MinConfidence}: corrects {share:P1} of the flips at precision {precision:P1}");

        Assert.Equal(noisy.Count, revisions.Count);
        Assert.All(relabelled, revision =>
        {
            Assert.Equal(LabelMethod.StudentModel, revision.Change!.Method);
            Assert.Equal(revision.Prediction.CurrentLabel, revision.Change.From);
            Assert.True(revision.Change.Confidence >= MinConfidence);
        });
        Assert.True(share >= MinCorrectedShare, $"corrected {share:P1} of the flips, expected at least {MinCorrectedShare:P0}");
        Assert.True(precision >= MinPrecision, $"relabel precision {precision:P1}, expected at least {MinPrecision:P0}");
    }

    // Measured with these seeds: 0.65 relabels 207 samples, correcting 21.5% of the flips at 62.3% precision (a
    // precision above 50% means relabelling lowers the noise). The bounds sit a little below the measurement.
    private const double MinConfidence = 0.65;
    private const double MinCorrectedShare = 0.18;
    private const double MinPrecision = 0.55;
}
