using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <summary>Diversity and label balance over sample contents, with the same accumulators a job's metrics use.</summary>
public static class TextSetMetrics
{
    /// <param name="labels">The job's labels (counted even when absent); null when the task has no labels.</param>
    public static TextSetSnapshot Of(IEnumerable<SampleContent> contents, IEnumerable<string>? labels)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var diversity = new DiversityAccumulator();
        var balance = labels is null ? null : new LabelBalance(labels);
        long samples = 0;
        foreach (var content in contents)
        {
            samples++;
            diversity.Add(SampleText.Of(content));
            if (balance is not null && content.Label is { } label)
            {
                balance.Add(label);
            }
        }

        return new TextSetSnapshot(samples, diversity.Snapshot(), balance?.Snapshot());
    }
}
