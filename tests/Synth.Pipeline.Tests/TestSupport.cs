using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Jobs;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Messaging;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Pipeline.Tests;

/// <summary>
/// One process-wide listener for the pipeline's and the transport's sources, never removed: tests run in parallel,
/// and a listener removed by one test would make another test's spans disappear half-way.
/// </summary>
public static class Tracing
{
    public const string TestSourceName = "Synth.Pipeline.Tests";

    public static readonly ActivitySource TestSource = new(TestSourceName);

    private static readonly ActivityListener Listener = Create();

    public static void EnsureListening() => GC.KeepAlive(Listener);

    /// <summary>The trace id of a W3C traceparent ("00-{trace}-{span}-{flags}").</summary>
    public static string TraceIdOf(string traceparent)
    {
        var parts = traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        return parts[1];
    }

    private static ActivityListener Create()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PipelineTracing.ActivitySourceName or MessageTracing.ActivitySourceName or TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            SampleUsingParentId = static (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}

/// <summary>A real SQLite store in a directory of its own, deleted on dispose.</summary>
public sealed class TempStore : IAsyncDisposable
{
    private readonly string _directory;

    private TempStore(string directory, SynthStores stores)
    {
        _directory = directory;
        Stores = stores;
    }

    public SynthStores Stores { get; }

    public ISampleStore Store => Stores.Samples;

    private string DatabasePath => Path.Combine(_directory, "synth.db");

    public static async Task<TempStore> CreateAsync()
    {
        var directory = Directory.CreateTempSubdirectory("synth-pipeline-tests-").FullName;
        var stores = SqliteStores.Open(Path.Combine(directory, "synth.db"));
        await stores.Samples.InitializeAsync(CancellationToken.None);
        return new TempStore(directory, stores);
    }

    /// <summary>A failure document straight from the table (failures of unreadable messages have no job to query by).</summary>
    public async Task<FailureDocument?> ReadFailureAsync(string id)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM failures WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync() is string json ? SampleJson.FromJson<FailureDocument>(json) : null;
    }

    public async Task<List<SampleDocument>> AllSamplesAsync(string jobId) =>
        await Store.ReadSamplesAsync(new SampleQuery { JobId = jobId, Limit = 500 }, CancellationToken.None).ToListAsync();

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing elsewhere; the temp directory is left behind, which is harmless.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Records what is published, doing what the real transports do on publish: a producer span whose W3C context
/// replaces the message's traceparent header.
/// </summary>
public sealed class RecordingPublisher : IMessagePublisher
{
    private readonly ConcurrentQueue<OutboundMessage> _messages = new();

    public IReadOnlyList<OutboundMessage> Messages => [.. _messages];

    public IReadOnlyList<OutboundMessage> To(string topic) => [.. _messages.Where(m => m.Topic == topic)];

    public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var headers = message.Headers.ToList();
        using var activity = MessageTracing.StartPublish(message.Topic, message.Key, "recording", headers);
        _messages.Enqueue(message with { Headers = headers });
        return Task.CompletedTask;
    }

    public void Clear() => _messages.Clear();

    public static string? Header(OutboundMessage message, string name) =>
        message.Headers.LastOrDefault(h => h.Name == name) is { Name: not null } header ? header.ValueAsString() : null;

    /// <summary>The message as a consumer receives it.</summary>
    public static InboundMessage Received(OutboundMessage message, int partition = 0, long offset = 0) =>
        new(message.Topic, partition, offset, message.Key, message.Value, message.Headers);
}

/// <summary>A consuming-stage processor whose verdict the test decides; counts its calls.</summary>
public sealed class ScriptedProcessor(Stage stage, Func<SampleDocument, StageVerdict> decide) : ISampleProcessor
{
    private int _calls;

    public Stage Stage { get; } = stage;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(decide(sample));
    }

    public static ScriptedProcessor Filter() =>
        new(Stage.Filter, s => s.Content.Text!.Contains("[reject]", StringComparison.Ordinal)
            ? new StageVerdict(SampleState.Rejected, new Dictionary<string, double> { ["length"] = s.Content.Text.Length }, "marked")
            : new StageVerdict(SampleState.Accepted, new Dictionary<string, double> { ["length"] = s.Content.Text.Length }, "fine"));

    public static ScriptedProcessor Refiner() =>
        new(Stage.LabelRefiner, _ => new StageVerdict(SampleState.Refined, new Dictionary<string, double> { ["confidence"] = 1 }));

    public static ScriptedProcessor Evaluator() =>
        new(Stage.Evaluator, s => new StageVerdict(SampleState.Evaluated, new Dictionary<string, double> { ["characters"] = s.Content.Text!.Length }));
}

/// <summary>
/// A consuming-stage processor during whose work something else writes the sample (<paramref name="meanwhile"/>,
/// e.g. a reviewer), then decides as <paramref name="decide"/> says on the copy it was given; counts its calls.
/// </summary>
public sealed class InterruptedProcessor(Stage stage, Func<SampleDocument, Task> meanwhile, Func<SampleDocument, StageVerdict> decide) : ISampleProcessor
{
    private int _calls;

    public Stage Stage { get; } = stage;

    public int Calls => Volatile.Read(ref _calls);

    public async ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await meanwhile(sample);
        return decide(sample);
    }
}

/// <summary>A generator whose answers the test decides; records every request it gets.</summary>
public sealed class ScriptedGenerator(Func<GenerationRequest, GenerationResult> answer) : ISampleGenerator
{
    private readonly ConcurrentQueue<GenerationRequest> _requests = new();

    public IReadOnlyList<GenerationRequest> Requests => [.. _requests.OrderBy(r => r.RequestIndex)];

    public ValueTask<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        return ValueTask.FromResult(answer(request));
    }

    /// <summary>Classification drafts; sample k of the job (over all requests) is marked "[reject]" when k % 10 == 9.</summary>
    public static ScriptedGenerator Reviews() => new(Answer);

    public static GenerationResult Answer(GenerationRequest request)
    {
        var drafts = new List<SampleDraft>();
        for (var i = 0; i < request.SampleCount; i++)
        {
            var ordinal = (request.RequestIndex * request.Job.Spec.Generation.SamplesPerRequest) + i;
            drafts.Add(new SampleDraft
            {
                Content = new SampleContent
                {
                    Text = string.Create(CultureInfo.InvariantCulture, $"Review {ordinal}.{(ordinal % 10 == 9 ? " [reject]" : "")}"),
                    Label = ordinal % 2 == 0 ? "positive" : "negative",
                },
                Strategy = "scripted",
                TemplateId = "scripted-v1",
                PromptHash = "abc123",
                Conditions = new Dictionary<string, string> { ["topic"] = "battery" },
                DemoIds = ["demo-1"],
                Parameters = new Dictionary<string, string> { ["temperature"] = "0" },
            });
        }

        return new GenerationResult
        {
            Drafts = drafts,
            Provider = "scripted",
            Model = "scripted-model",
            Usage = new TokenUsage { PromptTokens = 100, CompletionTokens = 20L * request.SampleCount },
            CostUsd = 0.0002m * request.SampleCount,
        };
    }
}

/// <summary>A store that passes every call to another; a test store overrides only what it changes.</summary>
public abstract class ForwardingSampleStore(ISampleStore inner) : ISampleStore
{
    protected ISampleStore Inner => inner;

    public virtual Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public virtual Task UpsertJobAsync(JobDocument job, CancellationToken cancellationToken) => inner.UpsertJobAsync(job, cancellationToken);

    public virtual Task<JobDocument?> GetJobAsync(string jobId, CancellationToken cancellationToken) => inner.GetJobAsync(jobId, cancellationToken);

    public virtual Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken) => inner.SaveSampleAsync(sample, cancellationToken);

    public virtual Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken) =>
        inner.TryReplaceSampleAsync(sample, expectedVersion, cancellationToken);

    public virtual Task SaveRequestAsync(RequestRecord request, IReadOnlyList<SampleDocument> samples, CancellationToken cancellationToken) =>
        inner.SaveRequestAsync(request, samples, cancellationToken);

    public virtual Task<SampleDocument?> GetSampleAsync(string sampleId, CancellationToken cancellationToken) => inner.GetSampleAsync(sampleId, cancellationToken);

    public virtual Task<RequestRecord?> GetRequestAsync(string requestId, CancellationToken cancellationToken) => inner.GetRequestAsync(requestId, cancellationToken);

    public virtual Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, CancellationToken cancellationToken) =>
        inner.GetRecordedRequestIndexesAsync(jobId, cancellationToken);

    public virtual Task<IReadOnlySet<long>> GetRecordedRequestIndexesAsync(string jobId, long from, long to, CancellationToken cancellationToken) =>
        inner.GetRecordedRequestIndexesAsync(jobId, from, to, cancellationToken);

    public virtual Task<Page<SampleDocument>> QuerySamplesAsync(SampleQuery query, CancellationToken cancellationToken) => inner.QuerySamplesAsync(query, cancellationToken);

    public virtual Task<JobCounts> CountAsync(string jobId, CancellationToken cancellationToken) => inner.CountAsync(jobId, cancellationToken);

    public virtual Task SaveFailureAsync(FailureDocument failure, CancellationToken cancellationToken) => inner.SaveFailureAsync(failure, cancellationToken);

    public virtual Task<Page<FailureDocument>> QueryFailuresAsync(string jobId, string? afterId, int limit, CancellationToken cancellationToken) =>
        inner.QueryFailuresAsync(jobId, afterId, limit, cancellationToken);
}

/// <summary>A store that throws on sample saves (plain or compare-and-set) while <see cref="FailingSaves"/> is above zero (counting it down).</summary>
public sealed class FlakyStore(ISampleStore inner) : ForwardingSampleStore(inner)
{
    private int _failingSaves;

    public int FailingSaves
    {
        get => Volatile.Read(ref _failingSaves);
        set => Volatile.Write(ref _failingSaves, value);
    }

    public override Task<bool> SaveSampleAsync(SampleDocument sample, CancellationToken cancellationToken)
    {
        FailWhileCounting();
        return Inner.SaveSampleAsync(sample, cancellationToken);
    }

    public override Task<bool> TryReplaceSampleAsync(SampleDocument sample, long expectedVersion, CancellationToken cancellationToken)
    {
        FailWhileCounting();
        return Inner.TryReplaceSampleAsync(sample, expectedVersion, cancellationToken);
    }

    private void FailWhileCounting()
    {
        if (Interlocked.Decrement(ref _failingSaves) >= 0)
        {
            throw new IOException("disk full (test)");
        }

        Interlocked.Exchange(ref _failingSaves, 0);
    }
}

/// <summary>A clock that stands still unless moved.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = now;

    public FixedTime()
        : this(Start)
    {
    }

    public override DateTimeOffset GetUtcNow() => Now;
}

public static class TestJobs
{
    public static string SpecText(string id, int target, int samplesPerRequest) => string.Create(CultureInfo.InvariantCulture, $"""
        id: {id}
        name: Pipeline test {id}
        task:
          type: text-classification
          dataDescription: Short product reviews.
          labels:
            - name: positive
              description: The reviewer is satisfied.
            - name: negative
              description: The reviewer is dissatisfied.
        demonstrations:
          k: 0
        generation:
          provider: openai-compatible
          model: scripted-model
          baseUrl: http://127.0.0.1:9/v1
          samplesPerRequest: {samplesPerRequest}
          target: {target}
        """);

    public static PipelineJob Create(string id, int target = 10, int samplesPerRequest = 1)
    {
        var spec = JobSpecLoader.Parse(SpecText(id, target, samplesPerRequest), $"{id}.yaml", baseDirectory: null, requireFiles: false);
        return new PipelineJob(JobIds.Derive(spec), spec);
    }

    /// <summary>A freshly generated sample as the generator stores it (state Generated, a generator decision).</summary>
    public static SampleDocument GeneratedSample(string jobId, long requestIndex = 0, int index = 0, string text = "A fine review.", string? label = "positive")
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        return new SampleDocument
        {
            Id = SampleIds.For(jobId, requestIndex, index),
            JobId = jobId,
            TaskType = TaskType.TextClassification,
            Content = new SampleContent { Text = text, Label = label },
            Provenance = new Provenance { RequestId = SampleIds.Request(jobId, requestIndex), RequestIndex = requestIndex, IndexInRequest = index, Model = "scripted-model" },
            Decisions =
            [
                new StageDecision
                {
                    Stage = Stage.Generator,
                    Outcome = SampleState.Generated,
                    DecidedBy = "generator-test",
                    TraceId = traceId,
                    SpanId = ActivitySpanId.CreateRandom().ToHexString(),
                    At = FixedTime.Start,
                },
            ],
            TraceId = traceId,
            CreatedAt = FixedTime.Start,
            UpdatedAt = FixedTime.Start,
        };
    }

    /// <summary>Moves a sample on as a stage would (appends its decision).</summary>
    public static SampleDocument Advanced(SampleDocument sample, Stage stage, SampleState outcome)
    {
        var copy = SampleJson.Deserialize(SampleJson.Serialize(sample));
        copy.Decisions.Add(new StageDecision { Stage = stage, Outcome = outcome, DecidedBy = "earlier", At = FixedTime.Start });
        copy.State = outcome;
        return copy;
    }

    /// <summary>The message that carries a sample to the stage that takes it, as a consumer receives it.</summary>
    public static InboundMessage MessageFor(SampleDocument sample, int partition = 0, long offset = 0)
    {
        var outbound = SampleMessages.For(sample, "/synth/test", FixedTime.Start)
            ?? throw new InvalidOperationException($"No topic for {sample.State}.");
        return RecordingPublisher.Received(outbound, partition, offset);
    }

    /// <summary>
    /// The message as the generator emits a stored sample (in the sample's own trace, traceparent set by the
    /// transport), as a consumer receives it.
    /// </summary>
    public static async Task<InboundMessage> EmittedAsync(SampleDocument sample, int partition = 0, long offset = 0)
    {
        var publisher = new RecordingPublisher();
        await SampleMessages.PublishInSampleTraceAsync(publisher, sample, "/synth/test", FixedTime.Start, CancellationToken.None);
        return RecordingPublisher.Received(Assert.Single(publisher.Messages), partition, offset);
    }

    public static InboundMessage RawMessage(string topic, string body, string? key, int partition, long offset) =>
        new(topic, partition, offset, key, Encoding.UTF8.GetBytes(body), [MessageHeader.Utf8(EnvelopeHeaders.Id, "raw-1")]);
}
