using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Store;
using Synth.Store.Sqlite;

namespace Synth.Reports.Tests;

/// <summary>Two jobs' curated samples judged pairwise through real chat calls to a scripted OpenAI-compatible server.</summary>
public sealed class JobComparisonTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-compare-tests-").FullName;
    private ScriptedChatServer _server = null!;
    private JobSpec _specA = null!;

    private ISampleStore NewStore() => SqliteStores.Open(Path.Combine(_directory, "synth.db")).Samples;

    public async Task InitializeAsync()
    {
        _server = await ScriptedChatServer.StartAsync();
        var store = NewStore();
        await store.InitializeAsync(CancellationToken.None);
        _specA = await AddJobAsync(store, "job-a", "crisp alpha review", 12);
        await AddJobAsync(store, "job-b", "vague beta review", 9);
    }

    private async Task<JobSpec> AddJobAsync(ISampleStore store, string jobId, string text, int samples)
    {
        var specText = $"""
            id: {jobId}
            name: {jobId}
            task:
              type: text-classification
              dataDescription: short product reviews
              labels:
                - {"{"} name: positive, description: satisfied {"}"}
                - {"{"} name: negative, description: dissatisfied {"}"}
            generation:
              baseUrl: {_server.BaseUrl}
              model: judge-m
            evaluation:
              embeddings: false
            """;
        var spec = JobSpecLoader.Parse(specText, "job.yaml");
        await store.UpsertJobAsync(new JobDocument { Id = jobId, Name = jobId, Spec = spec, SpecText = specText, SpecHash = JobSpecLoader.Hash(specText), State = JobState.Completed }, CancellationToken.None);
        for (var r = 0; r < samples; r++)
        {
            await store.SaveSampleAsync(new SampleDocument
            {
                Id = SampleIds.For(jobId, r, 0),
                JobId = jobId,
                TaskType = TaskType.TextClassification,
                State = SampleState.Evaluated,
                Content = new SampleContent { Text = $"{text} {r}", Label = r % 2 == 0 ? "positive" : "negative" },
                Provenance = new Provenance { RequestId = SampleIds.Request(jobId, r), RequestIndex = r, Conditions = new() { ["topic"] = r % 3 == 0 ? "battery" : "screen" } },
            }, CancellationToken.None);
        }

        return spec;
    }

    private static string SampleIn(JsonObject request, int position)
    {
        var prompt = request["messages"]!.ToJsonString();
        var second = prompt.IndexOf("Sample 2:", StringComparison.Ordinal);
        return position == 1 ? prompt[prompt.IndexOf("Sample 1:", StringComparison.Ordinal)..second] : prompt[second..];
    }

    [Fact]
    public async Task A_judge_that_always_prefers_position_one_gives_only_ties_and_full_position_bias()
    {
        _server.Default = ScriptedReply.Answer("{\"better\": 1, \"reason\": \"first\"}");

        var comparison = await new JobComparison(NewStore(), TimeProvider.System).CompareAsync("job-a", _specA, "job-b", 6, CancellationToken.None);

        var result = comparison.Result;
        Assert.Equal(6, result.Pairs);
        Assert.Equal((0L, 0L, 6L), (result.AWins.Successes, result.BWins.Successes, result.Ties.Successes));
        Assert.Equal(1.0, result.FirstPositionWins.Estimate);
        Assert.Equal(12, _server.Requests.Count);
        Assert.Equal("judge-m", comparison.JudgeModel);
        // Both jobs label every other sample positive and split topics alike: every pair shares label and topic.
        Assert.Equal((6, 6), (comparison.PairsDrawn, comparison.PairsMatched));
    }

    [Fact]
    public async Task A_judge_that_prefers_one_jobs_content_makes_it_win_whatever_the_order()
    {
        _server.Default = ScriptedReply.AnswerFrom(request => $"{{\"better\": {(SampleIn(request, 1).Contains("alpha", StringComparison.Ordinal) ? 1 : 2)}}}");

        var comparison = await new JobComparison(NewStore(), TimeProvider.System).CompareAsync("job-a", _specA, "job-b", 20, CancellationToken.None);

        var result = comparison.Result;
        // Job B has 9 curated samples: at most 9 pairs.
        Assert.Equal(9, result.Pairs);
        Assert.Equal(9, result.AWins.Successes);
        Assert.Equal(0, result.Ties.Successes);
        Assert.True(result.AWins.Low > 0.6, $"A's win rate interval starts at {result.AWins.Low}");
        Assert.Equal(0.5, result.FirstPositionWins.Estimate);
        // Each pair was shown in both orders.
        Assert.Equal(9, _server.Requests.Count(r => SampleIn(r.Body, 1).Contains("alpha", StringComparison.Ordinal)));
        Assert.Equal(9, _server.Requests.Count(r => SampleIn(r.Body, 2).Contains("alpha", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Unreadable_answers_are_stored_failures_and_their_pairs_left_out()
    {
        _server.Default = ScriptedReply.Answer("{\"better\": 1}");
        _server.Enqueue(ScriptedReply.Answer("both are fine"));

        var comparison = await new JobComparison(NewStore(), TimeProvider.System).CompareAsync("job-a", _specA, "job-b", 3, CancellationToken.None);

        Assert.Equal((2L, 1L), (comparison.Result.Pairs, comparison.Result.Failures));
        var failures = await NewStore().QueryFailuresAsync("job-a", null, 10, CancellationToken.None);
        var failure = Assert.Single(failures.Items);
        Assert.StartsWith(JobComparison.FailurePrefix + "job-b:", failure.Id, StringComparison.Ordinal);
        Assert.Equal("pairwise judge: the judge's answer holds no JSON object", failure.Error);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing; a leftover temp folder is harmless.
        }
    }
}
