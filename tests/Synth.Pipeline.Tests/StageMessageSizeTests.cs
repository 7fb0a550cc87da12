using System.Diagnostics;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Xunit.Abstractions;

namespace Synth.Pipeline.Tests;

/// <summary>
/// How big a stage message is: a notification of fixed shape, however large the sample has grown (the figures in
/// docs/schemas.md, "Message envelope", come from this test's output).
/// </summary>
public sealed class StageMessageSizeTests(ITestOutputHelper output)
{
    [Fact]
    public void A_stage_message_is_a_notification_of_a_few_dozen_bytes_whatever_the_samples_size()
    {
        var typical = RefinedSample(reviewWords: 80);
        var large = RefinedSample(reviewWords: 800);

        var message = SampleMessages.For(typical, "/synth/label-refiner/worker-1", FixedTime.Start)!;
        var document = SampleJson.Serialize(typical).Length;
        var notification = message.Value.Length;
        var headers = message.Headers.Sum(h => h.Name.Length + h.Value.Length);
        output.WriteLine($"sample document {document} B, notification {notification} B, key {message.Key.Length} B, envelope headers {headers} B");
        output.WriteLine($"large sample document {SampleJson.Serialize(large).Length} B, its notification {SampleNotification.Of(large).ToUtf8Json().Length} B");

        Assert.True(notification < 160, $"{notification} B");
        Assert.Equal(notification, SampleMessages.For(large, "/synth/label-refiner/worker-1", FixedTime.Start)!.Value.Length);
        Assert.Equal(new SampleNotification(typical.Id, typical.JobId, SampleState.Refined, 3), SampleNotification.Parse(message.Value));
    }

    /// <summary>A generated review as the evaluator receives it: provenance, the filter's scores, an LLM relabel.</summary>
    private static SampleDocument RefinedSample(int reviewWords)
    {
        const string jobId = "product-reviews-2026-11";
        var words = new[] { "The", "battery", "lasts", "two", "days,", "but", "the", "charger", "runs", "hot", "and", "the", "app", "keeps", "crashing." };
        var text = string.Join(' ', Enumerable.Range(0, reviewWords).Select(i => words[i % words.Length]));
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        StageDecision Decision(Stage stage, SampleState outcome, Dictionary<string, double> scores, string? reason = null) => new()
        {
            Stage = stage,
            Outcome = outcome,
            Scores = scores,
            Reason = reason,
            DecidedBy = $"{stage.Name()}-7f9c4d-1",
            TraceId = traceId,
            SpanId = ActivitySpanId.CreateRandom().ToHexString(),
            At = FixedTime.Start,
        };

        return new SampleDocument
        {
            Id = SampleIds.For(jobId, 1042, 3),
            JobId = jobId,
            TaskType = TaskType.TextClassification,
            State = SampleState.Refined,
            Version = 3,
            Content = new SampleContent { Text = text, Label = "negative" },
            Provenance = new Provenance
            {
                RequestId = SampleIds.Request(jobId, 1042),
                RequestIndex = 1042,
                IndexInRequest = 3,
                Strategy = "single-step",
                TemplateId = "review-classification-v2",
                PromptHash = new string('e', 64),
                Conditions = new Dictionary<string, string> { ["product"] = "headphones", ["sentiment"] = "negative", ["length"] = "medium" },
                DemoIds = ["demo-017", "demo-102", "demo-311"],
                Provider = "openai-compatible",
                Model = "qwen2.5-7b-instruct",
                Parameters = new Dictionary<string, string> { ["temperature"] = "0.9", ["top_p"] = "0.95" },
                Usage = new TokenUsage { PromptTokens = 412, CompletionTokens = 131 },
                CostUsd = 0.000137m,
            },
            Decisions =
            [
                Decision(Stage.Generator, SampleState.Generated, []),
                Decision(Stage.Filter, SampleState.Accepted, new() { ["words"] = reviewWords, ["novelty"] = 0.41, ["quality"] = 0.83 }, "passed every filter"),
                Decision(Stage.LabelRefiner, SampleState.Refined, new() { ["llm-agreement"] = 0.67, ["student-probability"] = 0.58, ["confidence"] = 0.58 }),
            ],
            LabelHistory =
            [
                new LabelChange { To = "positive", Method = LabelMethod.Generator, By = "qwen2.5-7b-instruct", At = FixedTime.Start },
                new LabelChange { From = "positive", To = "negative", Method = LabelMethod.LlmRelabel, By = "qwen2.5-7b-instruct", Confidence = 0.67, Reason = "mentions defects", At = FixedTime.Start },
            ],
            TraceId = traceId,
            CreatedAt = FixedTime.Start,
            UpdatedAt = FixedTime.Start,
        };
    }
}
