using System.Text.Json.Nodes;
using Synth.Contracts.Samples;
using Synth.Evaluation;
using Synth.Store;

namespace Synth.Reports.Tests;

/// <summary>Faithfulness judged through real chat calls to a scripted OpenAI-compatible server.</summary>
public sealed class FaithfulnessReportTests
{
    // The judge reads the sample in its prompt: "slow" gets an unreadable answer, "cracked" is unfaithful, the rest faithful.
    private static string Judge(JsonObject request)
    {
        var prompt = request["messages"]!.ToJsonString();
        var sample = prompt[prompt.IndexOf("Sample:", StringComparison.Ordinal)..];
        return sample.Contains("slow", StringComparison.Ordinal) ? "I would rather not say."
            : sample.Contains("cracked", StringComparison.Ordinal) ? "{\"faithful\": false, \"reason\": \"broken\"}"
            : "{\"faithful\": true, \"reason\": \"fine\"}";
    }

    private static async Task<List<SampleDocument>> UnreviewedCuratedAsync(ReportFixture fixture)
    {
        var samples = new List<SampleDocument>();
        await foreach (var sample in fixture.NewStore().ReadSamplesAsync(new SampleQuery { JobId = ReportFixture.JobId, States = ReportBuilder.CuratedStates }, CancellationToken.None))
        {
            if (Faithfulness.HumanVerdict(sample) is null)
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    [Fact]
    public async Task A_sized_seeded_sample_is_judged_and_human_reviews_are_folded_in()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.AnswerFrom(Judge);
        fixture.Spec.Generation.BaseUrl = server.BaseUrl.ToString();
        var faithfulness = fixture.Spec.Evaluation.Faithfulness;
        (faithfulness.Enabled, faithfulness.MarginOfError, faithfulness.Model) = (true, 0.1, "judge-model");

        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        // 32 curated, 5 labelled by a human (ReportFixture: every 7th) → 27 for the judge; n0 = 96.04, n = ⌈96.04/(1 + 95.04/27)⌉ = 22.
        var result = report.Faithfulness!;
        Assert.Equal((27L, 22L), (result.Population, result.SampleSize));
        var unreviewed = await UnreviewedCuratedAsync(fixture);
        var drawn = Faithfulness.Draw(27, 22, ReportFixture.JobId).Select(i => unreviewed[(int)i].Content.Text!).ToList();
        var failed = drawn.Count(t => t.Contains("slow", StringComparison.Ordinal));
        var unfaithful = drawn.Count(t => !t.Contains("slow", StringComparison.Ordinal) && t.Contains("cracked", StringComparison.Ordinal));
        Assert.True(failed > 0 && unfaithful > 0, "the fixture's draw should hit both kinds");
        Assert.Equal(22, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("judge-model", r.Body["model"]!.GetValue<string>()));
        Assert.Equal((long)failed, result.Failures);
        Assert.Equal(Faithfulness.Combine(22 - failed - unfaithful, 22 - failed, 5, 5, failed, 0.95, 27, 22, "judge-model"), result);
        // The five reviewers kept the refiner's label, the model's label before review.
        Assert.Equal(ProportionEstimate.Wilson(5, 5, ProportionEstimate.Z(0.95)), result.Human);
        // Every failed call is a stored failure of the job, counted in the report.
        var failures = await fixture.NewStore().QueryFailuresAsync(ReportFixture.JobId, null, 100, CancellationToken.None);
        Assert.Equal(failed, failures.Items.Count(f => f.Id.StartsWith(ReportBuilder.FaithfulnessFailurePrefix, StringComparison.Ordinal)));
        Assert.All(failures.Items, f => Assert.Equal("faithfulness judge: the judge's answer holds no JSON object", f.Error));
        Assert.Equal(failed, report.Counts.Failures);
        Assert.Contains("<section id=\"faithfulness\">", HtmlReport.Render(report), StringComparison.Ordinal);
        Assert.Contains("| faithful (LLM judge on", DatasetCard.Render(report, fixture.Spec, export: null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_judgement_is_capped_and_a_server_error_ends_as_a_stored_failure()
    {
        await using var fixture = await ReportFixture.CreateAsync();
        await using var server = await ScriptedChatServer.StartAsync();
        server.Default = ScriptedReply.Status(400, "bad request");
        fixture.Spec.Generation.BaseUrl = server.BaseUrl.ToString();
        var faithfulness = fixture.Spec.Evaluation.Faithfulness;
        (faithfulness.Enabled, faithfulness.MaxJudgements) = (true, 3);

        var report = await new ReportBuilder(fixture.NewStore(), TimeProvider.System).BuildAsync(ReportFixture.JobId, fixture.Spec, CancellationToken.None);

        var result = report.Faithfulness!;
        Assert.Equal((3L, 3L, 0L), (result.SampleSize, result.Failures, result.Judge.Trials));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(3, report.Counts.Failures);
        // The humans' verdicts still stand alone in the combined figure.
        Assert.Equal(5, result.Combined.Trials);
    }
}
