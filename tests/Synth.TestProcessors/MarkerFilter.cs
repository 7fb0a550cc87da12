using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.TestProcessors;

/// <summary>Rejects samples marked "[reject]" and dead-letters (throws on) samples marked "[poison]".</summary>
public sealed class MarkerFilter : ISampleProcessor
{
    public Stage Stage => Stage.Filter;

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        await Delay.For("SYNTH_TEST_FILTER_DELAY_MS", cancellationToken).ConfigureAwait(false);
        var text = sample.Content.Text ?? "";
        if (text.Contains("[poison]", StringComparison.Ordinal))
        {
            throw new FormatException($"Sample {sample.Id} is poison by design.");
        }

        var scores = new Dictionary<string, double> { ["length"] = text.Length };
        return text.Contains("[reject]", StringComparison.Ordinal)
            ? new StageVerdict(SampleState.Rejected, scores, "marked for rejection")
            : new StageVerdict(SampleState.Accepted, scores, "unmarked");
    }
}

/// <summary>Flips the label of samples marked "[relabel]", recording the change with a confidence.</summary>
public sealed class MarkerLabelRefiner(TimeProvider time) : ISampleProcessor
{
    public Stage Stage => Stage.LabelRefiner;

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        await Delay.For("SYNTH_TEST_REFINER_DELAY_MS", cancellationToken).ConfigureAwait(false);
        var relabel = sample.Content.Text?.Contains("[relabel]", StringComparison.Ordinal) == true;
        if (relabel)
        {
            var from = sample.Content.Label;
            var to = from == "positive" ? "negative" : "positive";
            sample.Content.Label = to;
            sample.LabelHistory.Add(new LabelChange
            {
                From = from,
                To = to,
                Method = LabelMethod.LlmRelabel,
                By = nameof(MarkerLabelRefiner),
                Confidence = 0.9,
                Reason = "marked for relabelling",
                At = time.GetUtcNow(),
            });
        }

        return new StageVerdict(SampleState.Refined, new Dictionary<string, double> { ["confidence"] = relabel ? 0.9 : 1.0 });
    }
}

/// <summary>Marks samples evaluated with their text length as a score.</summary>
public sealed class LengthEvaluator : ISampleProcessor
{
    public Stage Stage => Stage.Evaluator;

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        await Delay.For("SYNTH_TEST_EVALUATOR_DELAY_MS", cancellationToken).ConfigureAwait(false);
        return new StageVerdict(SampleState.Evaluated, new Dictionary<string, double> { ["characters"] = sample.Content.Text?.Length ?? 0 });
    }
}

internal static class Delay
{
    public static Task For(string variable, CancellationToken cancellationToken)
    {
        var ms = TestKnobs.DelayMs(variable);
        return ms > 0 ? Task.Delay(ms, cancellationToken) : Task.CompletedTask;
    }
}
