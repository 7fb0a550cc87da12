using Synth.Contracts.Samples;
using Synth.Pipeline;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// <c>synth run</c> with the built-in filter (its default) behind the scripted generator, then <c>synth replay</c> of
/// the job with stricter settings.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BuiltInFilterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-filter-e2e-").FullName;

    [Fact]
    public async Task The_built_in_filter_decides_every_sample_with_its_scores_and_replay_reports_what_stricter_settings_change()
    {
        const string jobId = "filter-e2e";
        var spec = TestJob.WriteSpec(_directory, jobId, target: 40, samplesPerRequest: 4);
        var stricter = Path.Combine(_directory, "stricter.yaml");
        // Scripted texts are "Scripted review N about the topic." (6 words) plus a marker on some: 7 words.
        await File.WriteAllTextAsync(stricter, TestJob.Spec(jobId, 40, 4) + "\ncuration:\n  filter:\n    length: { minWords: 7 }\n    dedup: { semantic: false }\n");
        var environment = TestJob.ProcessorEnvironment();
        environment.Remove("Processors__Filter");
        var store = Path.Combine(_directory, "synth.db");

        string output;
        using (var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), ["run", spec, "--store", store], environment, _directory))
        {
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, run.Tail());
            output = run.Output;
        }

        var samples = SqliteStores.Open(store).Samples;
        var counts = await samples.CountAsync(jobId, CancellationToken.None);
        // Every sample decided. The target counts curated samples, so the generator made up for rejected ones; but the
        // scripted texts differ in one number ("Scripted review N about the topic."), and the default near-duplicate
        // check (word sets, Jaccard 0.7) rejects most as near duplicates of each other, so the job ends at its
        // generation cap with the reason stored, unless the target was reached first.
        Assert.Equal(counts.TotalSamples, counts[SampleState.Evaluated] + counts[SampleState.Rejected]);
        var job = (await samples.GetJobAsync(jobId, CancellationToken.None))!;
        Assert.True(counts[SampleState.Evaluated] >= 40 || job.StateReason?.StartsWith(CuratedTarget.CapReached, StringComparison.Ordinal) == true,
            $"{counts[SampleState.Evaluated]} of 40 curated; {job.StateReason}");
        if (job.StateReason is { } stopped)
        {
            Assert.Contains($"Generation stopped early: {stopped}. The report says why samples were rejected; raise generation.maxGenerated", output, StringComparison.Ordinal);
        }

        var rejections = await samples.ReadSamplesAsync(new SampleQuery { JobId = jobId, States = [SampleState.Rejected] }, CancellationToken.None)
            .Select(sample => sample.Decisions.Single(d => d.Stage == Stage.Filter).Reason ?? "").ToListAsync();
        Assert.Contains(rejections, reason => reason.Contains("near-duplicate of", StringComparison.Ordinal));
        var first = (await samples.GetSampleAsync(SampleIds.For(jobId, 0, 0), CancellationToken.None))!;
        var decision = first.Decisions.Single(d => d.Stage == Stage.Filter);
        Assert.All(new[] { "schema", "length", "repetition", "refusal" }, filter =>
        {
            Assert.True(decision.Scores.ContainsKey(filter), filter);
            Assert.True(decision.Scores.ContainsKey($"{filter}.threshold"), filter);
        });

        using var replay = ChildProcess.StartDotnet("synth replay", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), ["replay", jobId, stricter, "--store", store], environment, _directory);
        Assert.True(await replay.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, replay.Tail());
        Assert.Contains($"Replayed {counts.TotalSamples} samples of job '{jobId}' into job '{jobId}-replay-", replay.Output, StringComparison.Ordinal);
        Assert.Contains("kept -> rejected:", replay.Output, StringComparison.Ordinal);
        Assert.Contains("    length (", replay.Output, StringComparison.Ordinal);
        Assert.Equal(counts.Samples, (await samples.CountAsync(jobId, CancellationToken.None)).Samples);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
