using Synth.Generation.Conditions;

namespace Synth.Generation.Tests;

public sealed class LabelSteeringTests
{
    [Fact]
    public void Without_feedback_requests_follow_the_asked_shares_counting_their_own_asks()
    {
        var steering = new LabelSteering([("positive", 0.8), ("negative", 0.2)]);

        var labels = Enumerable.Range(0, 20).Select(_ => steering.Next(5)).ToList();

        Assert.Equal(16, labels.Count(label => label == "positive"));
        Assert.Equal("positive", labels[0]);
    }

    [Fact]
    public void The_label_relabelling_drains_is_asked_for_more_so_the_curated_shares_are_the_asked_ones()
    {
        // The model writes 15 % of its samples under the wrong label and relabelling moves them to their true class;
        // the filter rejects a fifth. Feedback comes every ten requests and lags the asks by twelve requests.
        var random = new Random(12);
        var steered = Run(new LabelSteering([("positive", 0.8), ("negative", 0.2)]), random, relabel: true);
        var fixedShares = Run(null, random, relabel: true);
        // Without relabelling the labels are as asked, and steering holds them too (no drift towards the larger share).
        var asked = Run(new LabelSteering([("positive", 0.8), ("negative", 0.2)]), random, relabel: false);

        Assert.InRange(steered, 0.77, 0.83);
        Assert.InRange(asked, 0.77, 0.83);
        Assert.InRange(fixedShares, 0.66, 0.76);
    }

    [Fact]
    public void A_label_recorded_by_another_instance_replaces_the_one_counted()
    {
        var steering = new LabelSteering([("a", 1), ("b", 1)]);
        var first = steering.Next(5);
        steering.Withdraw(first, 5);
        steering.Asked("b", 5);

        Assert.Equal("a", first);
        Assert.Equal("a", steering.Next(5));
    }

    [Fact]
    public void Feedback_replaces_the_asks_in_flight_with_the_curated_counts()
    {
        var steering = new LabelSteering([("a", 1), ("b", 1)]);
        steering.Next(5);
        steering.Curated(new Dictionary<string, long> { ["a"] = 1, ["b"] = 4 });

        Assert.Equal("a", steering.Next(1));
    }

    /// <summary>The curated positive share when the target of 400 is reached.</summary>
    private static double Run(LabelSteering? steering, Random random, bool relabel)
    {
        const int Lag = 12;
        var curated = new Dictionary<string, long> { ["positive"] = 0, ["negative"] = 0 };
        var inFlight = new Queue<string>();
        for (var request = 0; curated.Values.Sum() < 400; request++)
        {
            inFlight.Enqueue(steering?.Next(5) ?? (random.NextDouble() < 0.8 ? "positive" : "negative"));
            if (inFlight.Count > Lag)
            {
                var asked = inFlight.Dequeue();
                for (var i = 0; i < 5; i++)
                {
                    var truth = relabel && random.NextDouble() < 0.15 ? (asked == "positive" ? "negative" : "positive") : asked;
                    if (random.NextDouble() >= 0.2)
                    {
                        curated[truth]++;
                    }
                }
            }

            if (request % 10 == 9)
            {
                steering?.Curated(curated);
            }
        }

        return (double)curated["positive"] / curated.Values.Sum();
    }
}
