using System.Globalization;
using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.TestProcessors;

/// <summary>
/// Generates deterministic classification samples without a model: sample k of request r says so in its text.
/// Every 10th sample is marked for rejection, every 7th for relabelling, so all routes of the pipeline are used;
/// with SYNTH_TEST_POISON_EVERY=n every n-th is poison (the filter throws on it).
/// </summary>
public sealed class ScriptedGenerator : ISampleGenerator
{
    private static readonly string[] Topics = ["battery", "screen", "delivery", "price", "support"];
    private static readonly Lock CallLogLock = new();

    public async ValueTask<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        if (TestKnobs.CallLog is { } log)
        {
            lock (CallLogLock)
            {
                File.AppendAllText(log, request.RequestId + Environment.NewLine);
            }
        }

        var delay = TestKnobs.DelayMs("SYNTH_TEST_GENERATOR_DELAY_MS");
        if (delay > 0)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        var drafts = new List<SampleDraft>(request.SampleCount);
        for (var i = 0; i < request.SampleCount; i++)
        {
            var ordinal = (request.RequestIndex * request.Job.Spec.Generation.SamplesPerRequest) + i;
            var topic = Topics[ordinal % Topics.Length];
            var poisonEvery = TestKnobs.PoisonEvery;
            var marker = poisonEvery > 0 && ordinal % poisonEvery == poisonEvery - 1 ? " [poison]"
                : ordinal % 10 == 9 ? " [reject]"
                : ordinal % 7 == 6 ? " [relabel]"
                : "";
            drafts.Add(new SampleDraft
            {
                Content = new SampleContent
                {
                    Text = string.Create(CultureInfo.InvariantCulture, $"Scripted review {ordinal} about the {topic}.{marker}"),
                    Label = ordinal % 2 == 0 ? "positive" : "negative",
                },
                Strategy = "scripted",
                TemplateId = "scripted-v1",
                Conditions = new Dictionary<string, string> { ["topic"] = topic },
                Parameters = new Dictionary<string, string> { ["temperature"] = "0" },
            });
        }

        return new GenerationResult
        {
            Drafts = drafts,
            Provider = "scripted",
            Model = "scripted-model",
            Usage = new TokenUsage { PromptTokens = 100, CompletionTokens = 20L * request.SampleCount },
            CostUsd = 0.0001m * request.SampleCount,
        };
    }
}
