using Microsoft.Data.Sqlite;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Reports.Tests;

/// <summary>
/// A SQLite store holding one job's samples as the pipeline leaves them: 40 requests; every 5th sample rejected by
/// the filter (reasons alternate), the rest evaluated with a stored novelty; every 7th relabelled by the refiner.
/// </summary>
internal sealed class ReportFixture : IAsyncDisposable
{
    public const string JobId = "report-job";
    public const int Requests = 40;

    private static readonly string[] Topics = ["battery", "screen", "price"];
    private static readonly string[] Words = ["great", "poor", "battery", "lasts", "screen", "cracked", "price", "fair", "bright", "slow", "buy", "again"];

    private readonly string _directory = Directory.CreateTempSubdirectory("synth-report-tests-").FullName;

    private ReportFixture(JobSpec spec) => Spec = spec;

    public JobSpec Spec { get; }

    public string Folder(string name) => Path.Combine(_directory, name);

    public SynthStores NewStores() => SqliteStores.Open(Path.Combine(_directory, "synth.db"));

    public ISampleStore NewStore() => NewStores().Samples;

    public const string SpecText = """
        id: report-job
        name: Report "test" <job>
        task:
          type: text-classification
          dataDescription: short product reviews
          labels:
            - { name: positive, description: satisfied }
            - { name: negative, description: dissatisfied }
        conditions:
          dimensions:
            - name: topic
              values: [battery, screen, price]
            - name: tone
              values: [plain, { value: angry, weight: 3 }]
        generation:
          baseUrl: http://127.0.0.1:9/v1
          model: m
          target: 40
        evaluation:
          embeddings: false
          export: { trainFraction: 0.5, validationFraction: 0.25, testFraction: 0.25, seed: 3 }
        """;

    public static async Task<ReportFixture> CreateAsync()
    {
        var fixture = new ReportFixture(JobSpecLoader.Parse(SpecText, "job.yaml"));
        var store = fixture.NewStore();
        await store.InitializeAsync(CancellationToken.None);
        await store.UpsertJobAsync(new JobDocument
        {
            Id = JobId,
            Name = fixture.Spec.Name,
            Spec = fixture.Spec,
            SpecText = SpecText,
            SpecHash = JobSpecLoader.Hash(SpecText),
            State = JobState.Completed,
        }, CancellationToken.None);
        var random = new Random(5);
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        for (var r = 0; r < Requests; r++)
        {
            var words = Enumerable.Range(0, 2 + random.Next(12)).Select(_ => Words[random.Next(Words.Length)]);
            var sample = new SampleDocument
            {
                Id = SampleIds.For(JobId, r, 0),
                JobId = JobId,
                TaskType = TaskType.TextClassification,
                Content = new SampleContent { Text = string.Join(' ', words), Label = r % 2 == 0 ? "positive" : "negative" },
                Provenance = new Provenance
                {
                    RequestId = SampleIds.Request(JobId, r),
                    RequestIndex = r,
                    Conditions = new() { ["topic"] = Topics[r % 3], ["tone"] = r % 4 == 0 ? "plain" : "angry" },
                    Usage = new TokenUsage { PromptTokens = 100, CompletionTokens = 20 },
                    CostUsd = 0.001m,
                },
                Weight = 1 + (r % 3 * 0.5),
            };
            sample.LabelHistory.Add(new LabelChange { To = sample.Content.Label, Method = LabelMethod.Generator, At = at });
            if (r % 5 == 4)
            {
                sample.State = SampleState.Rejected;
                sample.Decisions.Add(Decision(Stage.Filter, SampleState.Rejected, at, r % 10 == 4 ? "duplicate: near sample x" : "too short: 2 words"));
            }
            else
            {
                sample.Decisions.Add(Decision(Stage.Filter, SampleState.Accepted, at, null));
                if (r % 7 == 0)
                {
                    var relabelled = sample.Content.Label == "positive" ? "negative" : "positive";
                    sample.LabelHistory.Add(new LabelChange { From = sample.Content.Label, To = relabelled, Method = LabelMethod.LlmRelabel, At = at });
                    sample.Content.Label = relabelled;
                    sample.Review = new ReviewRecord { Status = ReviewStatus.Labelled, Label = relabelled };
                }

                sample.Decisions.Add(Decision(Stage.LabelRefiner, SampleState.Refined, at, null));
                sample.State = SampleState.Evaluated;
                var evaluated = Decision(Stage.Evaluator, SampleState.Evaluated, at, null);
                evaluated.Scores["novelty"] = r % 2 == 0 ? 0.2 : 0.4;
                sample.Decisions.Add(evaluated);
            }

            await store.SaveSampleAsync(sample, CancellationToken.None);
        }

        return fixture;
    }

    private static StageDecision Decision(Stage stage, SampleState outcome, DateTimeOffset at, string? reason) =>
        new() { Stage = stage, Outcome = outcome, Reason = reason, At = at };

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing; a leftover temp folder is harmless.
        }

        return ValueTask.CompletedTask;
    }
}
