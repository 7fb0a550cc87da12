using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;

namespace Synth.Store.Tests;

/// <summary>Documents for store tests; shared (as a linked file) with Synth.Store.Mongo.Tests.</summary>
public static class TestDocuments
{
    /// <summary>Timestamps at full 100 ns precision with non-zero, non-UTC offsets: what both stores must keep exactly.</summary>
    public static readonly DateTimeOffset Created = new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.FromHours(5.5)).AddTicks(5_358_979);
    public static readonly DateTimeOffset Updated = new DateTimeOffset(2025, 3, 14, 9, 40, 1, TimeSpan.FromHours(-3)).AddTicks(1_234_567);

    public static string NewJobId() => "job-" + Guid.NewGuid().ToString("N")[..12];

    public static JobDocument Job(string jobId) => new()
    {
        Id = jobId,
        Name = "Spam detector data",
        Spec = Spec(),
        SpecText = "name: spam\ntask:\n  type: text-classification\n",
        SpecHash = new string('a', 64),
        State = JobState.Generating,
        StateReason = "started by test",
        CreatedAt = Created,
        UpdatedAt = Updated,
    };

    /// <summary>
    /// A normalised spec with what a stored form could lose: a bound with a default set to null, a decimal price
    /// beyond a double's precision, enum values and an enum-keyed map, absolute paths.
    /// </summary>
    public static JobSpec Spec()
    {
        var spec = new JobSpec
        {
            Name = "spam",
            Task = new TaskSpec
            {
                Type = TaskType.TextClassification,
                DataDescription = "one short e-mail",
                Labels = [new LabelSpec { Name = "spam", Description = "unsolicited" }, new LabelSpec { Name = "ham", Description = "wanted" }],
            },
            Demonstrations = new DemonstrationsSpec { SupportSet = new DatasetSpec { Path = "/jobs/data/support.jsonl", Format = DatasetFormat.Jsonl } },
            Templates = { [TaskType.TextClassification] = new TemplateSpec { Language = TemplateLanguage.Liquid, File = "/jobs/prompt.liquid" } },
            Generation = new GenerationSpec { Model = "m", BaseUrl = "http://localhost:8080/v1", Temperature = 0.1, RequestsPerMinute = 60 },
            Budget = new BudgetSpec
            {
                MaxCostUsd = 1.2345678901234567890123m,
                Prices = { ["m"] = new ModelPrice { InputPerMillion = 0.15m, OutputPerMillion = 0.6m } },
            },
        };
        spec.Curation.Filter.Length.MaxChars = null;
        spec.Curation.LabelRefinement.Review.MaxFraction = null;
        return spec;
    }

    /// <summary>A minimal sample: only required fields and defaults.</summary>
    public static SampleDocument Sample(string jobId, long request, int index, SampleState state = SampleState.Generated, string? label = "spam") => new()
    {
        Id = SampleIds.For(jobId, request, index),
        JobId = jobId,
        TaskType = TaskType.TextClassification,
        State = state,
        Content = new SampleContent { Text = $"text {request}/{index}", Label = label },
        Provenance = new Provenance { RequestId = SampleIds.Request(jobId, request), RequestIndex = request, IndexInRequest = index },
        CreatedAt = Created,
        UpdatedAt = Updated,
    };

    /// <summary>A copy of <paramref name="sample"/> moved to <paramref name="state"/>.</summary>
    public static SampleDocument WithState(SampleDocument sample, SampleState state)
    {
        var copy = SampleJson.Deserialize(SampleJson.Serialize(sample));
        copy.State = state;
        return copy;
    }

    /// <summary>A sample with every field set, including optional ones, decimals and offset timestamps.</summary>
    public static SampleDocument FullSample(string jobId) => new()
    {
        Id = SampleIds.For(jobId, 7, 2),
        JobId = jobId,
        SchemaVersion = SampleDocument.CurrentSchemaVersion,
        TaskType = TaskType.Dialogue,
        State = SampleState.Refined,
        Content = new SampleContent
        {
            Text = "Win a free cruise — reply YES 🚢",
            Label = "spam",
            Instruction = "Classify the message.",
            Input = "Win a free cruise",
            Response = "spam",
            Context = "An SMS inbox.",
            Question = "Is it spam?",
            Answer = "Yes.",
            Rationale = "Unsolicited prize offer with a reply prompt.",
            Turns =
            [
                new DialogueTurn { Role = "user", Text = "Is this spam?" },
                new DialogueTurn { Role = "assistant", Text = "Yes, it is." },
            ],
        },
        Provenance = new Provenance
        {
            RequestId = SampleIds.Request(jobId, 7),
            RequestIndex = 7,
            IndexInRequest = 2,
            Strategy = "dialogue",
            TemplateId = "sms-v2",
            PromptHash = new string('f', 64),
            Conditions = new() { ["topic"] = "travel", ["length"] = "short", ["style"] = "urgent" },
            DemoIds = ["demo-1", "demo-42"],
            Provider = "openai-compatible",
            Model = "qwen2.5-7b-instruct",
            Parameters = new() { ["temperature"] = "0.7", ["top_p"] = "0.95" },
            Usage = new TokenUsage { PromptTokens = 1234, CompletionTokens = 56 },
            CostUsd = 0.000123456789012345678m,
        },
        Decisions =
        [
            new StageDecision
            {
                Stage = Stage.Filter,
                Outcome = SampleState.Accepted,
                Scores = new() { ["confidence"] = 0.8765432101234567, ["relevance"] = 1e-9, ["grammar"] = -0.25 },
                Reason = "above thresholds",
                DecidedBy = "filter@host-1:4242",
                TraceId = new string('1', 32),
                SpanId = new string('2', 16),
                At = Updated.AddSeconds(1),
            },
            new StageDecision
            {
                Stage = Stage.LabelRefiner,
                Outcome = SampleState.Refined,
                Reason = "relabelled",
                At = Updated.AddSeconds(2),
            },
        ],
        LabelHistory =
        [
            new LabelChange { To = "ham", Method = LabelMethod.Generator, By = "qwen2.5-7b-instruct", Confidence = 0.51, At = Created },
            new LabelChange { From = "ham", To = "spam", Method = LabelMethod.LlmRelabel, By = "judge-model", Confidence = 0.97, Reason = "prize offer", At = Updated.AddSeconds(2) },
        ],
        Weight = 1.75,
        Review = new ReviewRecord
        {
            Status = ReviewStatus.Labelled,
            Reviewer = "reviewer-7",
            Label = "spam",
            Priority = 0.33,
            RequestedAt = Updated.AddMinutes(5),
            CompletedAt = new DateTimeOffset(2025, 3, 15, 1, 2, 3, TimeSpan.FromHours(9)).AddTicks(9_999_999),
        },
        TraceId = new string('1', 32),
        CreatedAt = Created,
        UpdatedAt = Updated,
    };

    public static RequestRecord Request(string jobId, long index, IReadOnlyList<SampleDocument> samples, RequestStatus status = RequestStatus.Succeeded) => new()
    {
        Id = SampleIds.Request(jobId, index),
        JobId = jobId,
        Index = index,
        Status = status,
        SampleIds = samples.Select(s => s.Id).ToList(),
        Attempts = 2,
        Model = "qwen2.5-7b-instruct",
        Usage = new TokenUsage { PromptTokens = 900, CompletionTokens = 120 },
        CostUsd = 0.0042m,
        Error = status == RequestStatus.Failed ? "answer was not JSON" : null,
        RawResponse = status == RequestStatus.Failed ? "Sure! Here are your samples:" : null,
        ItemFailures = status == RequestStatus.Failed
            ? [new RequestItemFailure { ItemIndex = 1, Reason = "missing field 'text'", Raw = "{\"label\":\"positive\"}" },
               new RequestItemFailure { Reason = "answer was not JSON", Raw = "Sure! Here are your samples:" }]
            : [],
        TraceId = new string('3', 32),
        At = Updated,
    };

    public static FailureDocument Failure(string jobId, string sampleId, Stage stage = Stage.Filter) => new()
    {
        Id = $"{stage.Name()}:{sampleId}",
        JobId = jobId,
        Stage = stage,
        SampleId = sampleId,
        Error = "System.InvalidOperationException: scorer crashed",
        OriginTopic = "synth.samples.generated",
        OriginPartition = 3,
        OriginOffset = 123_456_789_012,
        TraceId = new string('4', 32),
        At = Updated,
    };

    /// <summary>Deep equality through the wire JSON (every field, in order; timestamps to the tick with their offsets).</summary>
    public static void AssertSame<T>(T expected, T? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(SampleJson.ToJson(expected), SampleJson.ToJson(actual));
    }
}
