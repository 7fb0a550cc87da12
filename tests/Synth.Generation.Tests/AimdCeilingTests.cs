using Synth.Generation.Throughput;
using Xunit.Abstractions;

namespace Synth.Generation.Tests;

/// <summary>AIMD remembering where overload began: slow growth near it, a step back instead of a halving at it.</summary>
public sealed class AimdCeilingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(100);

    private static int SuccessesUntil(AdaptiveConcurrencyLimit limit, int target)
    {
        var successes = 0;
        while (limit.Limit < target)
        {
            limit.OnSuccess(Fast);
            successes++;
        }

        return successes;
    }

    [Fact]
    public void Near_the_limit_where_throttling_began_growth_is_slow_and_a_probe_past_it_steps_back_by_one()
    {
        var limit = new AdaptiveConcurrencyLimit(new AimdOptions { MaxLimit = 32, InitialLimit = 9, CeilingPatience = 8 });

        limit.OnThrottled();
        Assert.Equal(4, limit.Limit);
        Assert.Equal(9, limit.Ceiling);

        // Back to one under the ceiling at the normal pace: one per window (after the window that ends recovery).
        var fast = SuccessesUntil(limit, 8);
        Assert.InRange(fast, 4 + 4 + 5 + 6 + 7 - 4, 4 + 4 + 5 + 6 + 7);
        // The last step, onto the ceiling, takes eight windows of eight.
        var slow = SuccessesUntil(limit, 9);
        Assert.InRange(slow, 8 * 8 - 1, 8 * 8 + 1);

        // Throttled again there: the known edge, so one down, not halved.
        limit.OnThrottled();
        Assert.Equal(8, limit.Limit);
        Assert.Equal(9, limit.Ceiling);
    }

    [Fact]
    public void Overload_below_the_ceiling_halves_and_growth_past_it_returns_to_the_normal_pace()
    {
        var limit = new AdaptiveConcurrencyLimit(new AimdOptions { MaxLimit = 64, InitialLimit = 17 });
        limit.OnThrottled();
        Assert.Equal(8, limit.Limit);
        for (var i = 0; i < 8; i++)
        {
            limit.OnSuccess(Fast);
        }

        // The server slowed down: overload far under the ceiling of 17 is news, and halves.
        limit.OnThrottled();
        Assert.Equal(4, limit.Limit);
        Assert.Equal(8, limit.Ceiling);

        SuccessesUntil(limit, 8);
        Assert.InRange(SuccessesUntil(limit, 9), 8 * 8 - 1, 8 * 8 + 1);
        // Past the ceiling with no overload: the server has room again, growth is one per window.
        Assert.InRange(SuccessesUntil(limit, 10), 9, 10);
        Assert.InRange(SuccessesUntil(limit, 11), 10, 11);
    }

    /// <summary>
    /// Rounds against a server that takes at most <c>cap</c> requests at once and answers the rest 429 at once, with
    /// the client's ceiling at twice the cap: the limit settles at the cap, every round uses it fully, and under 3% of
    /// requests are throttled (a probe past the cap every eight windows).
    /// </summary>
    [Fact]
    public void Against_a_fixed_capacity_the_limit_settles_at_it_with_rare_probes()
    {
        const int cap = 8;
        var (used, throttled) = Simulate(new AimdOptions { MaxLimit = 2 * cap }, cap, rounds: 2_000);
        output.WriteLine($"{used:P1} of capacity used, {throttled:P2} of requests throttled");

        Assert.True(used >= 0.99, $"used {used:P1} of the capacity");
        Assert.True(throttled < 0.03, $"{throttled:P2} of requests throttled");
    }

    private static (double Used, double Throttled) Simulate(AimdOptions options, int cap, int rounds)
    {
        var limit = new AdaptiveConcurrencyLimit(options);
        long succeeded = 0, rejected = 0;
        for (var round = 0; round < rounds; round++)
        {
            var sent = 0;
            while (limit.TryAcquire())
            {
                sent++;
            }

            // Those over the cap are refused at once; the rest answer a round trip later.
            for (var i = cap; i < sent; i++)
            {
                limit.OnThrottled();
                rejected++;
            }

            for (var i = 0; i < Math.Min(cap, sent); i++)
            {
                limit.OnSuccess(Fast);
                succeeded++;
            }
        }

        return ((double)succeeded / ((long)cap * rounds), (double)rejected / (succeeded + rejected));
    }
}
