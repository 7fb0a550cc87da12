using Microsoft.Extensions.Time.Testing;
using Synth.Generation.Throughput;
using Xunit.Abstractions;

namespace Synth.Generation.Tests;

public sealed class ThroughputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Aimd_halves_on_throttling_once_per_window_and_respects_the_floor()
    {
        var limit = new AdaptiveConcurrencyLimit(new AimdOptions { MinLimit = 2, MaxLimit = 32 });
        Assert.Equal(32, limit.Limit);
        limit.OnThrottled();
        Assert.Equal(16, limit.Limit);
        // Requests sent before the decrease report the same overload: they must not collapse the limit.
        for (var i = 0; i < 10; i++)
        {
            limit.OnThrottled();
        }
        Assert.Equal(16, limit.Limit);
        for (var i = 0; i < 6; i++)
        {
            limit.OnSuccess(Fast);
        }
        limit.OnTimeout();
        Assert.Equal(8, limit.Limit);
        // Once a window of completions has passed, each further throttle halves again, down to the floor.
        foreach (var expected in new[] { 4, 2, 2 })
        {
            for (var i = 0; i < limit.Limit; i++)
            {
                limit.OnOtherFailure();
            }
            limit.OnThrottled();
            Assert.Equal(expected, limit.Limit);
        }
    }

    [Fact]
    public void Aimd_grows_by_one_per_window_of_healthy_answers_up_to_the_ceiling()
    {
        var limit = new AdaptiveConcurrencyLimit(new AimdOptions { MaxLimit = 10, InitialLimit = 4 });
        for (var i = 0; i < 4; i++)
        {
            limit.OnSuccess(Fast);
        }
        Assert.Equal(5, limit.Limit);
        for (var i = 0; i < 1_000; i++)
        {
            limit.OnSuccess(Fast);
        }
        Assert.Equal(10, limit.Limit);
        limit.OnOtherFailure();
        Assert.Equal(10, limit.Limit);
    }

    [Fact]
    public void Aimd_backs_off_when_latency_rises_above_the_baseline_but_not_on_one_slow_answer()
    {
        var limit = new AdaptiveConcurrencyLimit(new AimdOptions { MaxLimit = 20, LatencyTolerance = 2.0 });
        for (var i = 0; i < 40; i++)
        {
            limit.OnSuccess(TimeSpan.FromMilliseconds(200));
        }
        limit.OnSuccess(TimeSpan.FromMilliseconds(900));
        Assert.Equal(20, limit.Limit);
        for (var i = 0; i < 40; i++)
        {
            limit.OnSuccess(TimeSpan.FromMilliseconds(200));
        }

        // The server starts queueing: latency triples and stays there.
        var answersUntilBackOff = 0;
        for (var i = 0; i < 50 && limit.Limit == 20; i++)
        {
            limit.OnSuccess(TimeSpan.FromMilliseconds(600));
            answersUntilBackOff++;
        }
        Assert.Equal(10, limit.Limit);
        Assert.InRange(answersUntilBackOff, 2, 8);

        // Lastingly slower is the new normal: the baseline catches up and the limit grows again.
        var lowest = limit.Limit;
        for (var i = 0; i < 500; i++)
        {
            limit.OnSuccess(TimeSpan.FromMilliseconds(600));
            lowest = Math.Min(lowest, limit.Limit);
        }
        Assert.InRange(limit.BaselineLatency!.Value.TotalMilliseconds, 590, 600);
        Assert.True(limit.Limit > lowest, $"limit {limit.Limit}, lowest {lowest}");
    }

    [Fact]
    public void Aimd_slots_follow_the_limit()
    {
        var limit = new AdaptiveConcurrencyLimit(new AimdOptions { MaxLimit = 4, InitialLimit = 2 });
        Assert.True(limit.TryAcquire());
        Assert.True(limit.TryAcquire());
        Assert.False(limit.TryAcquire());
        limit.OnSuccess(Fast);
        Assert.Equal(1, limit.InFlight);
        Assert.True(limit.TryAcquire());
        limit.OnThrottled();
        Assert.Equal(1, limit.Limit);
        Assert.False(limit.TryAcquire());
    }

    [Fact]
    public void Token_bucket_waits_are_exact_on_a_fake_clock()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(capacity: 100, refillPerSecond: 10, time);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(100));
        Assert.Equal(TimeSpan.FromSeconds(5), bucket.TimeUntilAvailable(50));
        Assert.Equal(TimeSpan.FromSeconds(5), bucket.Reserve(50));
        // The next caller queues behind that debt.
        Assert.Equal(TimeSpan.FromSeconds(6), bucket.Reserve(10));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, bucket.Available, 9);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(100, bucket.Available, 9);
        // Larger than the bucket: it waits for a full bucket and borrows the rest from later callers.
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(250));
        Assert.Equal(TimeSpan.FromSeconds(16), bucket.Reserve(10));
        bucket.Refund(100);
        Assert.Equal(-60, bucket.Available, 9);
    }

    [Fact]
    public void Tokens_per_minute_are_held_within_two_percent_and_no_minute_window_exceeds_the_limit_by_more_than_the_burst()
    {
        const int tpm = 90_000;
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(requestsPerMinute: null, tokensPerMinute: tpm, time);
        var random = new Random(5);
        var start = time.GetUtcNow();
        var sends = new List<(double At, int Tokens)>();
        // Eight callers keep reserving requests of 300–3,000 tokens; each sends when its wait is over.
        var ready = Enumerable.Range(0, 8).Select(_ => TimeSpan.Zero).ToArray();
        var horizon = TimeSpan.FromMinutes(10);
        while (true)
        {
            var caller = Array.IndexOf(ready, ready.Min());
            var now = ready[caller];
            if (now >= horizon)
            {
                break;
            }
            time.AdjustTime(start + now);
            var tokens = random.Next(300, 3_001);
            var sendAt = now + limiter.Reserve(tokens);
            sends.Add((sendAt.TotalSeconds, tokens));
            ready[caller] = sendAt + TimeSpan.FromMilliseconds(random.Next(200, 2_000));
        }

        var sent = sends.Where(s => s.At < horizon.TotalSeconds).Sum(s => (double)s.Tokens);
        var perMinute = sent / horizon.TotalMinutes;
        var worstWindow = sends.Max(s => sends.Where(o => o.At >= s.At && o.At < s.At + 60).Sum(o => (double)o.Tokens));
        output.WriteLine($"TPM limit {tpm}: {perMinute:F0} tokens/min over 10 simulated minutes ({(perMinute / tpm - 1) * 100:+0.00;-0.00}%), busiest 60 s window {worstWindow:F0} ({worstWindow / tpm * 100:F1}% of the limit)");
        Assert.InRange(perMinute, tpm * 0.98, tpm * 1.02);
        // A window can hold at most a minute's refill plus the 5% burst the bucket may have saved up.
        Assert.True(worstWindow <= tpm * 1.05, $"busiest window {worstWindow}");
    }

    [Fact]
    public void Requests_per_minute_limit_paces_requests()
    {
        var time = new FakeTimeProvider();
        var limiter = new RateLimiter(requestsPerMinute: 120, tokensPerMinute: null, time, burstFraction: 0.05);
        // 6 requests go at once (5% of 120), then one every half second.
        var waits = Enumerable.Range(0, 10).Select(_ => limiter.Reserve(10)).ToList();
        Assert.All(waits.Take(6), w => Assert.Equal(TimeSpan.Zero, w));
        Assert.Equal(0.5, waits[6].TotalSeconds, 6);
        Assert.Equal(2.0, waits[9].TotalSeconds, 6);
        Assert.Equal(TimeSpan.Zero, new RateLimiter(null, null, time).Reserve(1_000_000));
    }

}
