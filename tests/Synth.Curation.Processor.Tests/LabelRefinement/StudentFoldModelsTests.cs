using Microsoft.Extensions.Logging.Abstractions;
using Synth.Curation.Processor.LabelRefinement;

namespace Synth.Curation.Processor.Tests.LabelRefinement;

/// <summary>A fold's first model is trained while its sample waits; a retraining happens behind the current model.</summary>
public sealed class StudentFoldModelsTests
{
    [Fact]
    public async Task A_grown_job_keeps_answering_with_the_current_model_while_the_next_trains()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        var job = RefinerFixture.Job("student-folds", "student: { folds: 2, minTrainingSamples: 20, retrainAfter: 30 }");
        await StoreAsync(fixture, job.JobId, 1, 40);
        using var inputs = new StudentInputs();
        var students = new StudentFoldModels(fixture.Store, inputs, NullLogger.Instance);
        const string sampleId = "probe";

        var first = await students.ForAsync(job, sampleId, CancellationToken.None);
        Assert.NotNull(first.Model);

        await StoreAsync(fixture, job.JobId, 41, 100);
        // Grown past retrainAfter: the answer is the model already trained, not one the caller waited for.
        Assert.Same(first, await students.ForAsync(job, sampleId, CancellationToken.None));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        FoldModel latest;
        while ((latest = await students.ForAsync(job, sampleId, CancellationToken.None)) == first)
        {
            Assert.True(DateTime.UtcNow < deadline, "The fold was never retrained.");
            await Task.Delay(50);
        }

        Assert.NotNull(latest.Model);
        Assert.True(latest.TrainingSamples > first.TrainingSamples, $"{latest.TrainingSamples} after {first.TrainingSamples}");
    }

    private static async Task StoreAsync(RefinerFixture fixture, string jobId, int from, int to)
    {
        string[] positive = ["great", "wonderful", "excellent", "love", "perfect"];
        string[] negative = ["terrible", "awful", "broken", "hate", "useless"];
        for (var i = from; i <= to; i++)
        {
            var isPositive = i % 2 == 0;
            var words = isPositive ? positive : negative;
            await fixture.Store.SaveSampleAsync(
                RefinerFixture.Sample(jobId, i, $"{words[i % words.Length]} and {words[(i * 3 + 1) % words.Length]} item {i}", isPositive ? "positive" : "negative"),
                CancellationToken.None);
        }
    }
}
