using System.Diagnostics;
using System.Diagnostics.Metrics;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>
/// The stage runtime's instruments (meter "Synth.Pipeline"), tagged with the stage's name; their Prometheus names are
/// listed in docs/operations.md#metrics.
/// </summary>
public static class PipelineMetrics
{
    public const string MeterName = "Synth.Pipeline";

    /// <summary>Tag of every instrument: the stage (generator, filter, label-refiner, evaluator).</summary>
    public const string StageTag = "stage";

    /// <summary>Tag of <see cref="Messages"/>: the state the stage decided (accepted, rejected, …), reemitted or dead_lettered.</summary>
    public const string OutcomeTag = "outcome";

    public const string Reemitted = "reemitted";
    public const string DeadLettered = "dead_lettered";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Messages a stage finished, by outcome (the generator counts the samples it stored).</summary>
    public static readonly Counter<long> Messages =
        Meter.CreateCounter<long>("synth.stage.messages", "{message}", "Messages a stage finished, by outcome");

    /// <summary>Time from taking a message to finishing it (read, process, store, publish onwards).</summary>
    public static readonly Histogram<double> ProcessingDuration =
        Meter.CreateHistogram<double>("synth.stage.processing.duration", "s", "Time a stage took for one message");

    /// <summary>Messages (or generator requests) being handled now.</summary>
    public static readonly UpDownCounter<long> InFlight =
        Meter.CreateUpDownCounter<long>("synth.stage.in_flight", "{message}", "Messages a stage is handling now");

    /// <summary>Messages a stage stored as failures and sent to the dead-letter topic (a generator: failed requests).</summary>
    public static readonly Counter<long> DeadLetteredMessages =
        Meter.CreateCounter<long>("synth.stage.dead_lettered", "{message}", "Messages a stage dead-lettered");

    internal static void RecordDuration(Stage stage, long startedTimestamp) =>
        ProcessingDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>(StageTag, stage.Name()));

    internal static string OutcomeName(SampleState state) => state.ToString().ToLowerInvariant();
}
