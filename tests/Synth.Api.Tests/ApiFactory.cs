using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Api.Tests;

/// <summary>
/// The real API over a real SQLite file in a temp folder, with two reviewers' keys and the real control plane (in-memory
/// bus and state machine, no stages: a submitted job is started but nothing generates); every log line is kept.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string AliceKey = "alice-key-0123456789abcdef";
    public const string BobKey = "bob-key-0123456789abcdef-xyz";
    public const string TraceViewerUrl = "http://localhost:16686/trace/{traceId}";
    public static readonly DateTimeOffset Created = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "synth-api-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;

    /// <param name="keys">The Api:Keys settings; Alice's (admin) and Bob's (operator) when null.</param>
    /// <param name="settings">More settings, over the defaults (a connection named "test" to 127.0.0.1:9 allowing model "m").</param>
    public ApiFactory(Dictionary<string, string?>? keys = null, Dictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(_folder);
        DatabasePath = Path.Combine(_folder, "synth.db");
        _settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = "Sqlite",
            ["Store:SqlitePath"] = DatabasePath,
            ["Api:TraceViewerUrl"] = TraceViewerUrl,
            ["ControlPlane:JobFilesRoot"] = _folder,
            ["Connections:test:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Connections:test:Models:0"] = "m",
        };
        foreach (var (key, value) in keys ?? new()
        {
            ["Api:Keys:0:Name"] = "alice",
            ["Api:Keys:0:Key"] = AliceKey,
            ["Api:Keys:0:Role"] = "admin",
            ["Api:Keys:1:Name"] = "bob",
            ["Api:Keys:1:Key"] = BobKey,
            ["Api:Keys:1:Role"] = "operator",
        })
        {
            _settings[key] = value;
        }

        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    /// <summary>ControlPlane:JobFilesRoot: the folder a submitted spec's files must lie in.</summary>
    public string Folder => _folder;

    public string DatabasePath { get; }

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>A store object of its own on the API's file, as another process would have.</summary>
    public async Task<ISampleStore> StoreAsync()
    {
        var store = SqliteStores.Open(DatabasePath).Samples;
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public static JobDocument Job(string id)
    {
        var specText = $$"""
            id: {{id}}
            name: {{id}}
            task:
              type: text-classification
              dataDescription: Short product reviews.
              labels:
                - { name: negative, description: The reviewer is dissatisfied. }
                - { name: positive, description: The reviewer is satisfied. }
            generation:
              baseUrl: http://127.0.0.1:9/v1
              model: m
            """;
        return new JobDocument
        {
            Id = id,
            Name = id,
            Spec = JobSpecLoader.Parse(specText, $"{id}.yaml"),
            SpecText = specText,
            SpecHash = "test",
            CreatedAt = Created,
            UpdatedAt = Created,
        };
    }

    /// <summary>A refined sample queued for review with the given priority.</summary>
    public static SampleDocument Queued(string jobId, int index, string label, double priority) => new()
    {
        Id = SampleIds.For(jobId, index, 0),
        JobId = jobId,
        TaskType = TaskType.TextClassification,
        State = SampleState.Refined,
        Content = new SampleContent { Text = $"review text {index}", Label = label },
        Provenance = new Provenance { RequestId = SampleIds.Request(jobId, index), RequestIndex = index },
        LabelHistory = [new LabelChange { To = label, Method = LabelMethod.Generator, At = Created }],
        Review = new ReviewRecord
        {
            Priority = priority,
            RequestedAt = Created,
            Reason = "confidence below threshold",
            Candidates = [new ReviewCandidateLabel { Label = label, Confidence = 1 - priority, Method = LabelMethod.Current }],
        },
        CreatedAt = Created,
        UpdatedAt = Created,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(Logs)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // WebApplicationFactory may dispose more than once.
        if (disposing && Directory.Exists(_folder))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(logs, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}
