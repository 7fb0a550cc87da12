using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Pipeline.Tests;

public sealed class CuratedTargetTests
{
    private static GenerationSpec Generation(int target, int perRequest = 1, int? maxGenerated = null) =>
        new() { Target = target, SamplesPerRequest = perRequest, MaxGenerated = maxGenerated };

    private static JobCounts Counts(
        long curated = 0, long rejected = 0, long undecided = 0, long passed = 0, long requests = 0, long failedRequests = 0, long failures = 0) => new()
    {
        Samples = new Dictionary<SampleState, long>
        {
            [SampleState.Evaluated] = curated,
            [SampleState.Rejected] = rejected,
            [SampleState.Generated] = undecided,
            [SampleState.Refined] = passed,
        },
        RequestsSucceeded = requests,
        RequestsFailed = failedRequests,
        Failures = failures,
    };

    [Fact]
    public void The_target_reached_in_curated_samples_ends_generation()
    {
        Assert.Equal(TargetStep.Reached, CuratedTarget.Next(Generation(100), 100, Counts(curated: 100, rejected: 30, requests: 130)).Step);
    }

    [Fact]
    public void After_every_sample_is_decided_it_plans_the_deficit_at_the_observed_acceptance_rate()
    {
        // 100 requests of 1 sample: 60 curated, 40 rejected. 40 more curated at 0.6 each: 67 requests.
        var decision = CuratedTarget.Next(Generation(100), 100, Counts(curated: 60, rejected: 40, requests: 100));

        Assert.Equal(TargetStep.Plan, decision.Step);
        Assert.Equal(100 + 67, decision.Requests);
    }

    [Fact]
    public void Samples_and_requests_in_flight_count_at_the_rates_optimistic_bound_so_it_asks_for_less_not_more()
    {
        // 50 decided (25 curated), 50 undecided, 20 requests unanswered. At the observed 0.5 the deficit of 40 needs 80
        // requests; from the bound it asks for fewer, and the last pass (at the exact rate) asks for what is missing.
        var decision = CuratedTarget.Next(Generation(100), 120, Counts(curated: 25, rejected: 25, undecided: 50, requests: 100));

        Assert.Equal(TargetStep.Plan, decision.Step);
        Assert.InRange(decision.Requests, 120 + 30, 120 + 79);
    }

    [Fact]
    public void A_sample_past_the_filter_and_the_refiner_counts_as_curated_in_the_projection()
    {
        Assert.Equal(TargetStep.Wait, CuratedTarget.Next(Generation(100), 100, Counts(curated: 60, passed: 35, undecided: 5, requests: 100)).Step);
    }

    [Fact]
    public void When_what_is_in_flight_is_projected_to_reach_the_target_it_waits()
    {
        Assert.Equal(TargetStep.Wait, CuratedTarget.Next(Generation(100), 100, Counts(curated: 80, undecided: 20, requests: 100)).Step);
    }

    [Fact]
    public void Too_little_evidence_while_samples_are_in_flight_waits_instead_of_guessing()
    {
        Assert.Equal(TargetStep.Wait, CuratedTarget.Next(Generation(100), 100, Counts(curated: 1, rejected: 9, undecided: 90, requests: 100)).Step);
    }

    [Fact]
    public void Items_the_parser_dropped_lower_the_samples_per_request_it_plans_with()
    {
        // 10 requests of 4 asked 40 samples but produced 20 (all curated): 20 more need 10 requests.
        var decision = CuratedTarget.Next(Generation(40, perRequest: 4), 10, Counts(curated: 20, requests: 10));

        Assert.Equal(TargetStep.Plan, decision.Step);
        Assert.Equal(20, decision.Requests);
    }

    [Fact]
    public void Dead_lettered_samples_are_not_waited_for()
    {
        var decision = CuratedTarget.Next(Generation(10), 10, Counts(curated: 8, undecided: 2, requests: 10, failures: 2));

        Assert.Equal(TargetStep.Plan, decision.Step);
        Assert.Equal(12, decision.Requests);
    }

    [Fact]
    public void The_cap_on_generated_samples_bounds_the_plan_and_then_stops_with_the_reason()
    {
        var generation = Generation(100, maxGenerated: 150);
        Assert.Equal(150, CuratedTarget.Next(generation, 100, Counts(curated: 20, rejected: 80, requests: 100)).Requests);

        var stop = CuratedTarget.Next(generation, 150, Counts(curated: 30, rejected: 120, requests: 150));
        Assert.Equal(TargetStep.Stop, stop.Step);
        Assert.Contains("generation cap reached", stop.StopReason);
        Assert.Contains("30 of 100 curated", stop.StopReason);
    }

    [Fact]
    public void Without_a_cap_a_job_generates_at_most_five_times_its_target()
    {
        Assert.Equal(500, CuratedTarget.MaxRequests(Generation(100)));
        Assert.Equal(TargetStep.Stop, CuratedTarget.Next(Generation(100), 500, Counts(rejected: 500, requests: 500)).Step);
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(3, 1)]
    [InlineData(4, 3)]
    public void The_first_pass_asks_for_exactly_the_target_and_later_requests_are_full(long index, int expected)
    {
        Assert.Equal(expected, CuratedTarget.SamplesOf(Generation(10, perRequest: 3), index));
    }
}
