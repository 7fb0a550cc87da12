using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Api.Tests;

/// <summary>The view-building rules on their own: stage counts, the lineage timeline, trace links.</summary>
public sealed class ViewTests
{
    [Fact]
    public void A_sample_counts_for_every_stage_it_has_passed()
    {
        var counts = new JobCounts
        {
            Samples = new Dictionary<SampleState, long>
            {
                [SampleState.Generated] = 5, [SampleState.Accepted] = 4, [SampleState.Rejected] = 3, [SampleState.Refined] = 2, [SampleState.Evaluated] = 1,
            },
            RequestsSucceeded = 3,
            Failures = 1,
        };

        var view = JobViews.StageCounts(counts);

        Assert.Equal(15, view.Stages["generator"]);
        Assert.Equal(10, view.Stages["filter"]);
        Assert.Equal(3, view.Stages["label-refiner"]);
        Assert.Equal(1, view.Stages["evaluator"]);
        Assert.Equal((5L, 3L, 15L, 1L), (view.States["generated"], view.States["rejected"], view.Samples, view.Failures));
    }

    [Fact]
    public void A_rejection_over_a_label_quota_counts_for_the_evaluator_and_the_stages_before_it()
    {
        var counts = new JobCounts
        {
            Samples = new Dictionary<SampleState, long> { [SampleState.Rejected] = 3, [SampleState.Evaluated] = 1 },
            RejectedByEvaluator = 2,
        };

        var view = JobViews.StageCounts(counts);

        Assert.Equal(4, view.Stages["filter"]);
        Assert.Equal(3, view.Stages["label-refiner"]);
        Assert.Equal(3, view.Stages["evaluator"]);
        Assert.Equal(3L, view.States["rejected"]);
    }

    [Fact]
    public void The_timeline_puts_every_event_in_time_order_and_the_review_hides_its_lease_token()
    {
        var at = ApiFactory.Created;
        var sample = ApiFactory.Queued("job-t", 1, "negative", 0.7);
        sample.Review!.LeaseToken = "secret-lease-token";
        sample.Review.LeasedBy = "alice";
        sample.Review.RequestedAt = at.AddSeconds(3);
        sample.Decisions =
        [
            new StageDecision { Stage = Stage.Generator, Outcome = SampleState.Generated, At = at },
            new StageDecision { Stage = Stage.Filter, Outcome = SampleState.Accepted, Scores = { ["length"] = 1 }, At = at.AddSeconds(1) },
            new StageDecision { Stage = Stage.LabelRefiner, Outcome = SampleState.Refined, Reason = "llm relabel", At = at.AddSeconds(3) },
        ];
        sample.LabelHistory.Add(new LabelChange { From = "negative", To = "positive", Method = LabelMethod.LlmRelabel, Confidence = 0.8, At = at.AddSeconds(2) });

        var labelled = Synth.Contracts.Audit.AuditRecord.Create(at.AddDays(1), "rhea", Synth.Contracts.Audit.AuditAction.Label, sample.JobId, sample.Id, "positive");
        var lineage = SampleViews.Lineage(sample, request: null, [labelled], new ApiOptions { TraceViewerUrl = "https://traces.example/t/{traceId}?x=1" });

        Assert.Equal(["generated", "decision", "label-change", "decision", "label-change", "decision", "review-requested", "audit"], lineage.Timeline.Select(e => e.Kind));
        Assert.Equal("rhea: label positive", lineage.Timeline[^1].Summary);
        Assert.Equal([labelled], lineage.Audit);
        Assert.Equal("accepted (length 1)", lineage.Timeline[3].Summary);
        Assert.Equal("negative → positive (confidence 0.8)", lineage.Timeline[4].Summary);
        Assert.Equal("alice", lineage.Review!.LeasedBy);
        Assert.DoesNotContain("secret-lease-token", System.Text.Json.JsonSerializer.Serialize(lineage), StringComparison.Ordinal);
        Assert.Null(lineage.TraceUrl);
        sample.TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Assert.Equal("https://traces.example/t/4bf92f3577b34da6a3ce929d0e0e4736?x=1",
            SampleViews.Lineage(sample, null, [], new ApiOptions { TraceViewerUrl = "https://traces.example/t/{traceId}?x=1" }).TraceUrl!.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://localhost:16686/trace/")]
    [InlineData("not a url {traceId}")]
    public void A_trace_viewer_url_without_the_placeholder_or_not_absolute_stops_the_start(string url)
    {
        using var factory = new ApiFactory();

        var error = Assert.Throws<OptionsValidationException>(() => factory.WithWebHostBuilder(builder => builder.UseSetting("Api:TraceViewerUrl", url)).CreateClient());

        Assert.Contains("Api:TraceViewerUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("{traceId}", error.Message, StringComparison.Ordinal);
    }
}
