using Synth.Generation.Throughput;

namespace Synth.Generation.Tests;

public sealed class EndpointBreakerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
    private static readonly EndpointBreakerOptions Options = new()
    {
        MaxTimeWithoutSuccess = TimeSpan.FromMinutes(2), FailureRatio = 0.9, Window = TimeSpan.FromSeconds(60), MinimumCalls = 10,
    };

    [Fact]
    public void Trips_when_the_failure_share_over_the_window_reaches_the_ratio_with_enough_calls()
    {
        var breaker = new EndpointBreaker(Options);
        for (var i = 0; i < 9; i++)
        {
            Assert.Null(breaker.Record(false, Start.AddSeconds(i)));
        }

        Assert.Contains("10 of the last 10 model calls failed", breaker.Record(false, Start.AddSeconds(9)), StringComparison.Ordinal);
        Assert.NotNull(breaker.Tripped);
    }

    [Fact]
    public void Successes_in_the_window_keep_it_closed_and_old_failures_leave_the_window()
    {
        var breaker = new EndpointBreaker(Options);
        for (var i = 0; i < 50; i++)
        {
            // One success in five: a failure share of 0.8, under the ratio.
            Assert.Null(breaker.Record(i % 5 == 0, Start.AddSeconds(i)));
        }

        var later = Start.AddSeconds(200);
        Assert.Null(breaker.Record(true, later));
        for (var i = 1; i < 9; i++)
        {
            Assert.Null(breaker.Record(false, later.AddSeconds(i)));
        }
    }

    [Fact]
    public void Trips_when_no_call_succeeded_for_the_set_time_even_when_few_calls_are_made()
    {
        var breaker = new EndpointBreaker(Options);
        Assert.Null(breaker.Record(true, Start));
        Assert.Null(breaker.Record(false, Start.AddSeconds(70)));

        Assert.Contains("no model call succeeded for 130 s", breaker.Record(false, Start.AddSeconds(130)), StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_closes_it_again()
    {
        var breaker = new EndpointBreaker(Options);
        for (var i = 0; i < 10; i++)
        {
            breaker.Record(false, Start.AddSeconds(i));
        }

        breaker.Reset();

        Assert.Null(breaker.Tripped);
        Assert.Null(breaker.Record(false, Start.AddSeconds(11)));
    }
}
