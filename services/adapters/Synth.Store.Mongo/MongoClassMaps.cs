using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Options;
using MongoDB.Bson.Serialization.Serializers;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store.Mongo;

/// <summary>
/// Explicit BSON mappings of every stored document: camelCase element names (as in the JSON documents),
/// <c>_id</c> = the document id, enums as their names, decimals as Decimal128, and each DateTimeOffset as
/// <c>{ DateTime: UTC date (ms, for queries), Ticks: local ticks, Offset: minutes }</c>, which round-trips exactly
/// (100 ns and the offset). Explicit, not auto-mapped, so renaming a C# property cannot silently rename a
/// stored field; a contract property with no mapping is caught by the class-map tests.
/// </summary>
public static class MongoClassMaps
{
    private static readonly DateTimeOffsetSerializer Timestamp = new(BsonType.Document);
    private static readonly NullableSerializer<DateTimeOffset> OptionalTimestamp = new(Timestamp);
    private static readonly DecimalSerializer Money = new(BsonType.Decimal128);
    private static readonly DictionaryInterfaceImplementerSerializer<Dictionary<string, string>> StringMap = new(DictionaryRepresentation.Document);
    private static readonly DictionaryInterfaceImplementerSerializer<Dictionary<string, double>> ScoreMap = new(DictionaryRepresentation.Document);
    // Label methods were stored as their kebab-case spellings (llm-relabel) before they were an enum.
    private static readonly KebabCaseEnumSerializer<LabelMethod> LabelMethodSerializer = new();

    // A static field initializer runs exactly once per process, under the runtime's type-initialization lock.
    private static readonly bool Registered = RegisterAll();

    /// <summary>Registers the mappings; call before any serialization. Thread-safe and idempotent.</summary>
    /// <exception cref="InvalidOperationException">Another mapping of a document type was registered first.</exception>
    public static void Register() => _ = Registered;

    private static bool RegisterAll()
    {
        // Driver 3 refuses to serialize a Guid without a representation, and decimals default to strings:
        // make both explicit for any value not covered by a member mapping below.
        BsonSerializer.TryRegisterSerializer(new GuidSerializer(GuidRepresentation.Standard));
        BsonSerializer.TryRegisterSerializer(Money);

        Map<SampleDocument>(map =>
        {
            map.MapIdMember(x => x.Id);
            map.MapMember(x => x.JobId).SetElementName("jobId").SetIsRequired(true);
            map.MapMember(x => x.SchemaVersion).SetElementName("schemaVersion").SetDefaultValue(SampleDocument.CurrentSchemaVersion);
            map.MapMember(x => x.Version).SetElementName("version").SetDefaultValue(0L);
            map.MapMember(x => x.TaskType).SetElementName("taskType").SetIsRequired(true).SetSerializer(EnumAsString<TaskType>());
            map.MapMember(x => x.State).SetElementName("state").SetIsRequired(true).SetSerializer(EnumAsString<SampleState>());
            map.MapMember(x => x.Content).SetElementName("content").SetIsRequired(true);
            map.MapMember(x => x.Provenance).SetElementName("provenance").SetIsRequired(true);
            map.MapMember(x => x.Decisions).SetElementName("decisions").SetDefaultValue(() => new List<StageDecision>());
            map.MapMember(x => x.LabelHistory).SetElementName("labelHistory").SetDefaultValue(() => new List<LabelChange>());
            map.MapMember(x => x.Weight).SetElementName("weight").SetDefaultValue(1.0);
            map.MapMember(x => x.Review).SetElementName("review").SetIgnoreIfNull(true);
            map.MapMember(x => x.PendingCuratedPublish).SetElementName("pendingCuratedPublish").SetIgnoreIfNull(true);
            map.MapMember(x => x.TraceId).SetElementName("traceId").SetIgnoreIfNull(true);
            map.MapMember(x => x.CreatedAt).SetElementName("createdAt").SetSerializer(Timestamp);
            map.MapMember(x => x.UpdatedAt).SetElementName("updatedAt").SetSerializer(Timestamp);
        });
        Map<SampleContent>(map =>
        {
            map.MapMember(x => x.Text).SetElementName("text").SetIgnoreIfNull(true);
            map.MapMember(x => x.Label).SetElementName("label").SetIgnoreIfNull(true);
            map.MapMember(x => x.Instruction).SetElementName("instruction").SetIgnoreIfNull(true);
            map.MapMember(x => x.Input).SetElementName("input").SetIgnoreIfNull(true);
            map.MapMember(x => x.Response).SetElementName("response").SetIgnoreIfNull(true);
            map.MapMember(x => x.Context).SetElementName("context").SetIgnoreIfNull(true);
            map.MapMember(x => x.Question).SetElementName("question").SetIgnoreIfNull(true);
            map.MapMember(x => x.Answer).SetElementName("answer").SetIgnoreIfNull(true);
            map.MapMember(x => x.Rationale).SetElementName("rationale").SetIgnoreIfNull(true);
            map.MapMember(x => x.Turns).SetElementName("turns").SetDefaultValue(() => new List<DialogueTurn>());
        });
        Map<DialogueTurn>(map =>
        {
            map.MapMember(x => x.Role).SetElementName("role").SetIsRequired(true);
            map.MapMember(x => x.Text).SetElementName("text").SetIsRequired(true);
        });
        Map<Provenance>(map =>
        {
            map.MapMember(x => x.RequestId).SetElementName("requestId").SetIsRequired(true);
            map.MapMember(x => x.RequestIndex).SetElementName("requestIndex");
            map.MapMember(x => x.IndexInRequest).SetElementName("indexInRequest");
            map.MapMember(x => x.Strategy).SetElementName("strategy").SetIgnoreIfNull(true);
            map.MapMember(x => x.TemplateId).SetElementName("templateId").SetIgnoreIfNull(true);
            map.MapMember(x => x.PromptHash).SetElementName("promptHash").SetIgnoreIfNull(true);
            map.MapMember(x => x.Conditions).SetElementName("conditions").SetSerializer(StringMap).SetDefaultValue(() => new Dictionary<string, string>());
            map.MapMember(x => x.DemoIds).SetElementName("demoIds").SetDefaultValue(() => new List<string>());
            map.MapMember(x => x.Provider).SetElementName("provider").SetIgnoreIfNull(true);
            map.MapMember(x => x.Model).SetElementName("model").SetIgnoreIfNull(true);
            map.MapMember(x => x.Parameters).SetElementName("parameters").SetSerializer(StringMap).SetDefaultValue(() => new Dictionary<string, string>());
            map.MapMember(x => x.Usage).SetElementName("usage").SetDefaultValue(() => new TokenUsage());
            map.MapMember(x => x.CostUsd).SetElementName("costUsd").SetSerializer(Money);
        });
        // TotalTokens is computed from the two counts, so it is not stored.
        Map<TokenUsage>(map =>
        {
            map.MapMember(x => x.PromptTokens).SetElementName("promptTokens");
            map.MapMember(x => x.CompletionTokens).SetElementName("completionTokens");
        });
        Map<StageDecision>(map =>
        {
            map.MapMember(x => x.Stage).SetElementName("stage").SetIsRequired(true).SetSerializer(EnumAsString<Stage>());
            map.MapMember(x => x.Outcome).SetElementName("outcome").SetIsRequired(true).SetSerializer(EnumAsString<SampleState>());
            map.MapMember(x => x.Scores).SetElementName("scores").SetSerializer(ScoreMap).SetDefaultValue(() => new Dictionary<string, double>());
            map.MapMember(x => x.Reason).SetElementName("reason").SetIgnoreIfNull(true);
            map.MapMember(x => x.DecidedBy).SetElementName("decidedBy").SetIgnoreIfNull(true);
            map.MapMember(x => x.TraceId).SetElementName("traceId").SetIgnoreIfNull(true);
            map.MapMember(x => x.SpanId).SetElementName("spanId").SetIgnoreIfNull(true);
            map.MapMember(x => x.At).SetElementName("at").SetSerializer(Timestamp);
        });
        Map<LabelChange>(map =>
        {
            map.MapMember(x => x.From).SetElementName("from").SetIgnoreIfNull(true);
            map.MapMember(x => x.To).SetElementName("to").SetIsRequired(true);
            map.MapMember(x => x.Method).SetElementName("method").SetIsRequired(true).SetSerializer(LabelMethodSerializer);
            map.MapMember(x => x.By).SetElementName("by").SetIgnoreIfNull(true);
            map.MapMember(x => x.Confidence).SetElementName("confidence").SetIgnoreIfNull(true);
            map.MapMember(x => x.Reason).SetElementName("reason").SetIgnoreIfNull(true);
            map.MapMember(x => x.At).SetElementName("at").SetSerializer(Timestamp);
        });
        Map<ReviewRecord>(map =>
        {
            map.MapMember(x => x.Status).SetElementName("status").SetSerializer(EnumAsString<ReviewStatus>()).SetDefaultValue(ReviewStatus.Pending);
            map.MapMember(x => x.Reviewer).SetElementName("reviewer").SetIgnoreIfNull(true);
            map.MapMember(x => x.Label).SetElementName("label").SetIgnoreIfNull(true);
            map.MapMember(x => x.Priority).SetElementName("priority");
            map.MapMember(x => x.RequestedAt).SetElementName("requestedAt").SetSerializer(Timestamp);
            map.MapMember(x => x.CompletedAt).SetElementName("completedAt").SetSerializer(OptionalTimestamp).SetIgnoreIfNull(true);
            map.MapMember(x => x.Reason).SetElementName("reason").SetIgnoreIfNull(true);
            map.MapMember(x => x.Candidates).SetElementName("candidates").SetDefaultValue(() => new List<ReviewCandidateLabel>());
            map.MapMember(x => x.LeasedBy).SetElementName("leasedBy").SetIgnoreIfNull(true);
            map.MapMember(x => x.LeaseToken).SetElementName("leaseToken").SetIgnoreIfNull(true);
            map.MapMember(x => x.LeaseExpiresAt).SetElementName("leaseExpiresAt").SetSerializer(OptionalTimestamp).SetIgnoreIfNull(true);
        });
        Map<ReviewCandidateLabel>(map =>
        {
            map.MapMember(x => x.Label).SetElementName("label").SetIsRequired(true);
            map.MapMember(x => x.Confidence).SetElementName("confidence");
            map.MapMember(x => x.Method).SetElementName("method").SetIsRequired(true).SetSerializer(LabelMethodSerializer);
        });
        Map<JobDocument>(map =>
        {
            map.MapIdMember(x => x.Id);
            map.MapMember(x => x.SchemaVersion).SetElementName("schemaVersion").SetDefaultValue(JobDocument.CurrentSchemaVersion);
            map.MapMember(x => x.Name).SetElementName("name").SetIsRequired(true);
            map.MapMember(x => x.Spec).SetElementName("spec").SetSerializer(new JobSpecBsonSerializer()).SetIgnoreIfNull(true);
            map.MapMember(x => x.SpecText).SetElementName("specText").SetIsRequired(true);
            map.MapMember(x => x.SpecHash).SetElementName("specHash").SetIsRequired(true);
            map.MapMember(x => x.State).SetElementName("state").SetSerializer(EnumAsString<JobState>()).SetDefaultValue(JobState.Submitted);
            map.MapMember(x => x.StateReason).SetElementName("stateReason").SetIgnoreIfNull(true);
            map.MapMember(x => x.CreatedAt).SetElementName("createdAt").SetSerializer(Timestamp);
            map.MapMember(x => x.UpdatedAt).SetElementName("updatedAt").SetSerializer(Timestamp);
            map.MapMember(x => x.TargetCount).SetElementName("targetCount").SetIgnoreIfNull(true);
            map.MapMember(x => x.Transitions).SetElementName("transitions").SetDefaultValue(() => new List<JobTransition>());
        });
        Map<JobTransition>(map =>
        {
            map.MapCreator(x => new JobTransition(x.From, x.To, x.At, x.Reason));
            map.MapMember(x => x.From).SetElementName("from").SetSerializer(EnumAsString<JobState>());
            map.MapMember(x => x.To).SetElementName("to").SetSerializer(EnumAsString<JobState>());
            map.MapMember(x => x.At).SetElementName("at").SetSerializer(Timestamp);
            map.MapMember(x => x.Reason).SetElementName("reason").SetIgnoreIfNull(true);
        });
        Map<RequestRecord>(map =>
        {
            map.MapIdMember(x => x.Id);
            map.MapMember(x => x.JobId).SetElementName("jobId").SetIsRequired(true);
            map.MapMember(x => x.SchemaVersion).SetElementName("schemaVersion").SetDefaultValue(RequestRecord.CurrentSchemaVersion);
            map.MapMember(x => x.Index).SetElementName("index");
            map.MapMember(x => x.Status).SetElementName("status").SetIsRequired(true).SetSerializer(EnumAsString<RequestStatus>());
            map.MapMember(x => x.SampleIds).SetElementName("sampleIds").SetDefaultValue(() => new List<string>());
            map.MapMember(x => x.Attempts).SetElementName("attempts");
            map.MapMember(x => x.Model).SetElementName("model").SetIgnoreIfNull(true);
            map.MapMember(x => x.Usage).SetElementName("usage").SetDefaultValue(() => new TokenUsage());
            map.MapMember(x => x.CostUsd).SetElementName("costUsd").SetSerializer(Money);
            map.MapMember(x => x.Error).SetElementName("error").SetIgnoreIfNull(true);
            map.MapMember(x => x.RawResponse).SetElementName("rawResponse").SetIgnoreIfNull(true);
            map.MapMember(x => x.ItemFailures).SetElementName("itemFailures").SetDefaultValue(() => new List<RequestItemFailure>());
            map.MapMember(x => x.TraceId).SetElementName("traceId").SetIgnoreIfNull(true);
            map.MapMember(x => x.At).SetElementName("at").SetSerializer(Timestamp);
        });
        Map<RequestItemFailure>(map =>
        {
            map.MapMember(x => x.ItemIndex).SetElementName("itemIndex").SetIgnoreIfNull(true);
            map.MapMember(x => x.Reason).SetElementName("reason").SetIsRequired(true);
            map.MapMember(x => x.Raw).SetElementName("raw").SetIsRequired(true);
        });
        Map<FailureDocument>(map =>
        {
            map.MapIdMember(x => x.Id);
            map.MapMember(x => x.JobId).SetElementName("jobId").SetIgnoreIfNull(true);
            map.MapMember(x => x.SchemaVersion).SetElementName("schemaVersion").SetDefaultValue(FailureDocument.CurrentSchemaVersion);
            map.MapMember(x => x.Stage).SetElementName("stage").SetIsRequired(true).SetSerializer(EnumAsString<Stage>());
            map.MapMember(x => x.SampleId).SetElementName("sampleId").SetIgnoreIfNull(true);
            map.MapMember(x => x.Error).SetElementName("error").SetIsRequired(true);
            map.MapMember(x => x.OriginTopic).SetElementName("originTopic").SetIgnoreIfNull(true);
            map.MapMember(x => x.OriginPartition).SetElementName("originPartition").SetIgnoreIfNull(true);
            map.MapMember(x => x.OriginOffset).SetElementName("originOffset").SetIgnoreIfNull(true);
            map.MapMember(x => x.TraceId).SetElementName("traceId").SetIgnoreIfNull(true);
            map.MapMember(x => x.At).SetElementName("at").SetSerializer(Timestamp);
        });
        return true;
    }

    private static void Map<T>(Action<BsonClassMap<T>> configure)
    {
        var registered = BsonClassMap.TryRegisterClassMap<T>(map =>
        {
            configure(map);
            // Fields added by a newer writer (and the samples' stageOrdinal) are skipped, not an error.
            map.SetIgnoreExtraElements(true);
        });
        if (!registered)
        {
            throw new InvalidOperationException(
                $"A BSON class map for {typeof(T).Name} was registered before MongoClassMaps.Register() ran; "
                + "call Register() before anything serializes a document.");
        }
    }

    private static EnumSerializer<TEnum> EnumAsString<TEnum>() where TEnum : struct, Enum => new(BsonType.String);
}
