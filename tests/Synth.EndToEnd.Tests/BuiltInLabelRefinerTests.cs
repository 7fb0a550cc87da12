using Synth.Contracts.Samples;
using Synth.Store;
using Synth.Store.Sqlite;
using Synth.Testing;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// <c>synth run</c> with the built-in label refiner (its default) between the test filter and evaluator, then
/// <c>synth refine</c> over the stored job: every sample gets the refiner's recorded decision, nothing is lost.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BuiltInLabelRefinerTests : IDisposable
{
    private const string JobId = "refiner-e2e";
    private const int Target = 200;
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-refiner-e2e-").FullName;

    [Fact]
    public async Task The_built_in_refiner_records_a_decision_on_every_sample_and_synth_refine_runs_the_batch_pass()
    {
        var spec = Path.Combine(_directory, "refiner.yaml");
        await File.WriteAllTextAsync(spec, TestJob.Spec(JobId, Target, samplesPerRequest: 5) + """

            curation:
              labelRefinement:
                student: { folds: 3, minTrainingSamples: 30, retrainAfter: 50 }
                review: { maxConfidence: 0.9, maxFraction: 0.2 }
            """);
        var environment = TestJob.ProcessorEnvironment();
        environment.Remove("Processors__LabelRefiner");
        var database = Path.Combine(_directory, "synth.db");

        using (var run = ChildProcess.StartDotnet("synth run", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), ["run", spec, "--store", database], environment, _directory))
        {
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromMinutes(3)) == 0, run.Tail());
        }

        var store = SqliteStores.Open(database).Samples;
        await PipelineAssertions.EveryPlannedSampleFinishedExactlyOnceAsync(store, JobId, Target, 5);
        var refined = new List<SampleDocument>();
        await foreach (var sample in store.ReadSamplesAsync(new SampleQuery { JobId = JobId, States = [SampleState.Evaluated] }, CancellationToken.None))
        {
            refined.Add(sample);
        }

        var reasons = refined.Select(sample => sample.Decisions.Single(decision => decision.Stage == Stage.LabelRefiner).Reason ?? "").ToList();
        Assert.All(reasons, reason => Assert.True(reason.StartsWith("student", StringComparison.Ordinal), reason));
        // Whether the first samples find too few stored samples of the other folds depends on how far the filter is
        // ahead (timing); every sample gets one of the two, and once enough are stored the student is trained.
        Assert.All(reasons, reason => Assert.True(
            reason.Contains("not enough data", StringComparison.Ordinal) || reason.Contains("trained on", StringComparison.Ordinal), reason));
        Assert.Contains(reasons, reason => reason.Contains("trained on", StringComparison.Ordinal));
        var queued = refined.Count(sample => sample.Review is { Status: ReviewStatus.Pending });
        Assert.InRange(queued, 1, (int)(0.2 * refined.Count));

        using var refine = ChildProcess.StartDotnet("synth refine", RepoPaths.Output("services/hosts/Synth.Cli", "synth.dll"), ["refine", spec, "--store", database], environment, _directory);
        Assert.True(await refine.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, refine.Tail());
        Assert.Contains($"Job {JobId}: {refined.Count} samples;", refine.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
