using Synth.Testing;
using Xunit.Abstractions;

namespace Synth.EndToEnd.Tests;

/// <summary>
/// The quality benchmark (benchmarks/Synth.Benchmarks.Quality) at CI size: <c>synth run</c> with every built-in stage
/// against the simulated model serving real UCI reviews with injected faults, once with default curation and once with
/// the LLM judge and relabelling. Asserts the issue-12 targets the built-in defaults meet (docs/quality.md lists the rest).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class QualityBenchmarkTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synth-quality-e2e-").FullName;

    [Fact]
    public async Task Default_and_LLM_curation_meet_the_quality_targets_on_real_text()
    {
        var defaults = await QualityBenchmark.RunAsync(new QualityRun("default", 120, LlmCuration: false), _directory, TimeSpan.FromMinutes(2));
        var llm = await QualityBenchmark.RunAsync(new QualityRun("LLM", 120, LlmCuration: true), _directory, TimeSpan.FromMinutes(2));
        output.WriteLine(QualityBenchmark.Table([defaults, llm]));

        foreach (var result in new[] { defaults, llm })
        {
            Assert.Equal(0, result.Unjoined);
            Assert.Equal(0, result.Kept[FaultKind.ExactDuplicate].Count);
            Assert.True(result.Kept[FaultKind.NearDuplicate].Value <= 0.1, $"{result.Run.Name}: near duplicates kept {result.Kept[FaultKind.NearDuplicate]}");
            Assert.True(result.Kept[FaultKind.Refusal].Value <= 0.02 || result.Kept[FaultKind.Refusal].Of == 0, $"{result.Run.Name}: refusals kept {result.Kept[FaultKind.Refusal]}");
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
