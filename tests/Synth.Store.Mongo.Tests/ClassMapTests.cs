using System.Reflection;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using static Synth.Store.Tests.TestDocuments;

namespace Synth.Store.Mongo.Tests;

public sealed class ClassMapTests
{
    public ClassMapTests() => MongoClassMaps.Register();

    public static TheoryData<Type> DocumentTypes() =>
    [
        typeof(SampleDocument), typeof(SampleContent), typeof(DialogueTurn), typeof(Provenance), typeof(TokenUsage),
        typeof(StageDecision), typeof(LabelChange), typeof(ReviewRecord), typeof(JobDocument), typeof(RequestRecord),
        typeof(RequestItemFailure), typeof(FailureDocument), typeof(ReviewCandidateLabel), typeof(JobTransition),
    ];

    /// <summary>A property added to a contract without a mapping would silently not be stored.</summary>
    [Theory]
    [MemberData(nameof(DocumentTypes))]
    public void Every_settable_property_is_mapped_to_a_camel_case_element(Type type)
    {
        var map = BsonClassMap.LookupClassMap(type);
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => p.Name)
            .Order();
        Assert.Equal(settable, map.AllMemberMaps.Select(m => m.MemberName).Order());
        foreach (var member in map.AllMemberMaps)
        {
            var expected = member.MemberName == "Id" ? "_id" : char.ToLowerInvariant(member.MemberName[0]) + member.MemberName[1..];
            Assert.Equal(expected, member.ElementName);
        }
        Assert.True(map.IgnoreExtraElements);
    }

    [Fact]
    public void Register_is_idempotent_and_thread_safe()
    {
        Parallel.For(0, 32, _ => MongoClassMaps.Register());
        Assert.True(BsonClassMap.IsClassMapRegistered(typeof(SampleDocument)));
    }

    [Fact]
    public void A_full_sample_round_trips_through_bson_exactly()
    {
        var sample = FullSample(NewJobId());

        var document = Bson.Serialize(sample);
        var back = Bson.Deserialize<SampleDocument>(document);

        AssertSame(sample, back);
        Assert.Equal(sample.UpdatedAt.Ticks, back.UpdatedAt.Ticks);
        Assert.Equal(sample.UpdatedAt.Offset, back.UpdatedAt.Offset);
        Assert.Equal(sample.Review!.CompletedAt!.Value.Offset, back.Review!.CompletedAt!.Value.Offset);
        Assert.Equal(sample.Provenance.CostUsd, back.Provenance.CostUsd);
    }

    [Fact]
    public void A_full_sample_has_the_documented_bson_shape()
    {
        var sample = FullSample("job-1");
        var document = Bson.Serialize(sample);

        Assert.Equal(
            ["_id", "jobId", "schemaVersion", "version", "taskType", "state", "content", "provenance", "decisions", "labelHistory", "weight", "review", "traceId", "createdAt", "updatedAt"],
            document.Names);
        Assert.Equal(new BsonString(sample.Id), document["_id"]);
        Assert.Equal(new BsonString("Dialogue"), document["taskType"]);
        Assert.Equal(new BsonString("Refined"), document["state"]);
        Assert.Equal(new BsonDecimal128(new Decimal128(0.000123456789012345678m)), document["provenance"]["costUsd"]);
        Assert.Equal(BsonType.Int64, document["provenance"]["usage"]["promptTokens"].BsonType);
        Assert.False(document["provenance"]["usage"].AsBsonDocument.Contains("totalTokens"));
        Assert.Equal("travel", document["provenance"]["conditions"]["topic"].AsString);
        Assert.Equal(0.8765432101234567, document["decisions"][0]["scores"]["confidence"].AsDouble);
        Assert.Equal("Filter", document["decisions"][0]["stage"].AsString);
        Assert.Equal("Accepted", document["decisions"][0]["outcome"].AsString);
        Assert.Equal("LabelRefiner", document["decisions"][1]["stage"].AsString);
        Assert.Equal("Labelled", document["review"]["status"].AsString);
        Assert.Equal("assistant", document["content"]["turns"][1]["role"].AsString);
        Assert.False(document["labelHistory"][0].AsBsonDocument.Contains("from"));
        // Label methods keep the spellings they were stored with while they were strings.
        Assert.Equal(["generator", "llm-relabel"], document["labelHistory"].AsBsonArray.Select(change => change["method"].AsString));

        // A timestamp: UTC date (milliseconds, for range queries), local ticks (exact) and offset in minutes.
        var updated = document["updatedAt"].AsBsonDocument;
        Assert.Equal(["DateTime", "Ticks", "Offset"], updated.Names);
        Assert.Equal(new DateTime(2025, 3, 14, 12, 40, 1, 123, DateTimeKind.Utc), updated["DateTime"].ToUniversalTime());
        Assert.Equal(sample.UpdatedAt.Ticks, updated["Ticks"].AsInt64);
        Assert.Equal(-180, updated["Offset"].AsInt32);
        Assert.Equal(540, document["review"]["completedAt"]["Offset"].AsInt32);
    }

    [Fact]
    public void Null_optional_fields_are_omitted_and_come_back_null()
    {
        var sample = Sample("job-1", 0, 0, label: null);
        sample.Content.Text = null;

        var document = Bson.Serialize(sample);
        var back = Bson.Deserialize<SampleDocument>(document);

        Assert.False(document.Contains("review"));
        Assert.False(document.Contains("traceId"));
        Assert.Equal(["turns"], document["content"].AsBsonDocument.Names);
        Assert.DoesNotContain(document.Elements, e => e.Value.IsBsonNull);
        AssertSame(sample, back);
        Assert.Null(back.Review);
        Assert.Null(back.Content.Label);
    }

    [Fact]
    public void Missing_optional_fields_get_the_contract_defaults()
    {
        var document = Bson.Parse("""
            {
              "_id": "job-1-r000000-s000", "jobId": "job-1", "taskType": "TextClassification", "state": "Generated",
              "content": { "text": "hi" },
              "provenance": { "requestId": "job-1-r000000" },
              "futureField": { "from": "a newer writer" }
            }
            """);

        var sample = Bson.Deserialize<SampleDocument>(document);

        Assert.Equal(SampleDocument.CurrentSchemaVersion, sample.SchemaVersion);
        Assert.Equal(1.0, sample.Weight);
        Assert.Empty(sample.Decisions);
        Assert.Empty(sample.LabelHistory);
        Assert.Empty(sample.Content.Turns);
        Assert.Empty(sample.Provenance.Conditions);
        Assert.Empty(sample.Provenance.DemoIds);
        Assert.Empty(sample.Provenance.Parameters);
        Assert.Equal(0, sample.Provenance.Usage.TotalTokens);
        Assert.Equal(0m, sample.Provenance.CostUsd);
        Assert.Null(sample.Review);
        Assert.Equal(default, sample.CreatedAt);
    }

    [Fact]
    public void A_missing_required_field_is_an_error()
    {
        var document = Bson.Serialize(Sample("job-1", 0, 0));
        document.Remove("jobId");

        Assert.ThrowsAny<Exception>(() => Bson.Deserialize<SampleDocument>(document));
    }

    [Fact]
    public void The_stored_sample_adds_its_stage_ordinal_after_the_id()
    {
        foreach (var state in Enum.GetValues<SampleState>())
        {
            var sample = Sample("job-1", 0, 0, state);
            var stored = MongoDocuments.ToStoredSample(sample);

            Assert.Equal(["_id", "stageOrdinal", "jobId"], stored.Names.Take(3));
            Assert.Equal(state.Ordinal(), stored["stageOrdinal"].AsInt32);
            // Reading the stored form skips the extra field.
            AssertSame(sample, Bson.Deserialize<SampleDocument>(stored));
        }
        Assert.Equal(
            MongoDocuments.ToStoredSample(Sample("job-1", 0, 0, SampleState.Accepted))["stageOrdinal"],
            MongoDocuments.ToStoredSample(Sample("job-1", 0, 0, SampleState.Rejected))["stageOrdinal"]);
    }

    [Fact]
    public void A_job_round_trips_with_its_state_as_a_name()
    {
        var job = Job("job-1");
        var document = Bson.Serialize(job);

        Assert.Equal(["_id", "schemaVersion", "name", "spec", "specText", "specHash", "state", "stateReason", "createdAt", "updatedAt", "transitions"], document.Names);
        Assert.Equal("Generating", document["state"].AsString);
        // The normalised spec in the same JSON form SQLite stores, which keeps its nulls and decimals exactly.
        Assert.Equal(JobSpecJson.ToJson(job.Spec!), document["spec"].AsString);
        AssertSame(job, Bson.Deserialize<JobDocument>(document));

        // Under the control plane: the target in force and every transition, states as names.
        job.TargetCount = 500;
        job.Transitions.Add(new JobTransition(JobState.Submitted, JobState.Generating, new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.FromHours(1)), "generation started"));
        document = Bson.Serialize(job);
        Assert.Equal(500, document["targetCount"].AsInt32);
        Assert.Equal("Generating", document["transitions"][0]["to"].AsString);
        AssertSame(job, Bson.Deserialize<JobDocument>(document));
        job.TargetCount = null;
        job.Transitions.Clear();

        job.StateReason = null;
        document = Bson.Serialize(job);
        Assert.False(document.Contains("stateReason"));
        AssertSame(job, Bson.Deserialize<JobDocument>(document));

        // A document from before schema version 2 has no spec.
        job.Spec = null;
        job.SchemaVersion = 1;
        document = Bson.Serialize(job);
        Assert.False(document.Contains("spec"));
        AssertSame(job, Bson.Deserialize<JobDocument>(document));
    }

    [Fact]
    public void Request_records_round_trip_succeeded_and_failed()
    {
        var samples = new[] { Sample("job-1", 3, 0), Sample("job-1", 3, 1) };
        var succeeded = Request("job-1", 3, samples);
        var failed = Request("job-1", 4, [], RequestStatus.Failed);

        var document = Bson.Serialize(succeeded);
        Assert.Equal("Succeeded", document["status"].AsString);
        Assert.Equal(BsonType.Int64, document["index"].BsonType);
        Assert.Equal(new BsonDecimal128(new Decimal128(0.0042m)), document["costUsd"]);
        Assert.Equal(new BsonArray(samples.Select(s => s.Id)), document["sampleIds"]);
        Assert.False(document.Contains("error"));
        AssertSame(succeeded, Bson.Deserialize<RequestRecord>(document));

        document = Bson.Serialize(failed);
        Assert.Equal("Failed", document["status"].AsString);
        Assert.Equal("Sure! Here are your samples:", document["rawResponse"].AsString);
        Assert.Equal("missing field 'text'", document["itemFailures"][0]["reason"].AsString);
        Assert.False(document["itemFailures"][1].AsBsonDocument.Contains("itemIndex"));
        AssertSame(failed, Bson.Deserialize<RequestRecord>(document));
    }

    [Fact]
    public void Failures_round_trip_with_and_without_optional_fields()
    {
        var full = Failure("job-1", "job-1-r000000-s000", Stage.LabelRefiner);
        var document = Bson.Serialize(full);
        Assert.Equal("LabelRefiner", document["stage"].AsString);
        Assert.Equal(BsonType.Int32, document["originPartition"].BsonType);
        Assert.Equal(123_456_789_012, document["originOffset"].AsInt64);
        AssertSame(full, Bson.Deserialize<FailureDocument>(document));

        var bare = new FailureDocument { Id = "evaluator:orphan", Stage = Stage.Evaluator, Error = "unreadable", At = Updated };
        document = Bson.Serialize(bare);
        Assert.Equal(["_id", "schemaVersion", "stage", "error", "at"], document.Names);
        var back = Bson.Deserialize<FailureDocument>(document);
        AssertSame(bare, back);
        Assert.Null(back.OriginPartition);
        Assert.Null(back.JobId);
    }

    [Fact]
    public void Guids_and_decimals_outside_the_documents_have_explicit_representations()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var serialized = new { G = guid, D = 12.345m }.ToBsonDocument();

        Assert.Equal(BsonBinarySubType.UuidStandard, serialized["G"].AsBsonBinaryData.SubType);
        Assert.Equal(new BsonDecimal128(new Decimal128(12.345m)), serialized["D"]);
    }
}
