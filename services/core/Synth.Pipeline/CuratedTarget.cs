using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Store;

namespace Synth.Pipeline;

/// <summary>
/// <c>generation.target</c> counts curated samples: this decides, from the job's counts in the store, whether the
/// generator must plan more requests, wait for the stages to decide what is in flight, or stop. It projects the
/// samples still undecided and the requests still unanswered at the running acceptance rate (its optimistic bound
/// while samples are in flight, the exact rate once all are decided), and plans only the deficit: an early estimate
/// errs towards asking too little, and the last pass asks for what is missing. No I/O.
/// </summary>
public static class CuratedTarget
{
    /// <summary>How the stop reason of a job that hit its generation cap begins (the CLI's hint tells it apart).</summary>
    public const string CapReached = "generation cap reached";

    /// <summary>Generated samples a job may produce when <c>generation.maxGenerated</c> is not set, as a multiple of the target.</summary>
    public const int DefaultGeneratedCapFactor = 5;

    /// <summary>Decided samples needed before the acceptance rate is trusted while others are still in flight.</summary>
    public const int MinimumEvidence = 20;

    /// <summary>Requests of the first pass: ceil(target / samples per request).</summary>
    public static long InitialRequests(GenerationSpec generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        return CeilDiv(generation.Target, generation.SamplesPerRequest);
    }

    /// <summary>The most requests the job may plan: its cap on generated samples over samples per request.</summary>
    public static long MaxRequests(GenerationSpec generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        return Math.Max(InitialRequests(generation), CeilDiv(GeneratedCap(generation), generation.SamplesPerRequest));
    }

    public static long GeneratedCap(GenerationSpec generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        return generation.MaxGenerated ?? (long)generation.Target * DefaultGeneratedCapFactor;
    }

    /// <summary>Samples request <paramref name="index"/> asks for: the first pass asks for exactly the target, later ones for full requests.</summary>
    public static int SamplesOf(GenerationSpec generation, long index)
    {
        ArgumentNullException.ThrowIfNull(generation);
        var perRequest = generation.SamplesPerRequest;
        var remainder = generation.Target - (index * perRequest);
        return index < InitialRequests(generation) ? (int)Math.Min(perRequest, remainder) : perRequest;
    }

    /// <summary>Curated samples: those that passed every stage.</summary>
    public static long Curated(JobCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts[SampleState.Evaluated];
    }

    /// <param name="planned">Requests planned so far (request indexes below it).</param>
    public static TargetDecision Next(GenerationSpec generation, long planned, JobCounts counts)
    {
        ArgumentNullException.ThrowIfNull(generation);
        ArgumentNullException.ThrowIfNull(counts);
        var target = generation.Target;
        var curated = Curated(counts);
        if (curated >= target)
        {
            return TargetDecision.Reached;
        }

        // A sample past the filter is projected curated; the evaluator's rejections over a label quota only show once
        // decided (as rejections, lowering the rate), so the projection stays optimistic and a later pass asks for the rest.
        var passed = counts[SampleState.Accepted] + counts[SampleState.Refined];
        var rejected = counts[SampleState.Rejected];
        // A sample a stage dead-lettered will not be decided: it is not waited for.
        var inFlight = Math.Max(0, counts[SampleState.Generated] + passed - counts.Failures);
        var passing = Math.Min(passed, inFlight);
        var undecided = inFlight - passing;
        var answered = counts.RequestsSucceeded + counts.RequestsFailed;
        var unanswered = Math.Max(0, planned - answered);
        var settled = inFlight == 0 && unanswered == 0;
        var decided = curated + passed + rejected;
        if (!settled && decided < Math.Min(MinimumEvidence, target))
        {
            return TargetDecision.Wait;
        }

        // While samples are in flight the rate is uncertain: plan from its optimistic bound, so a noisy early estimate
        // asks for too little (another pass later) rather than too much (paid for and thrown away).
        var acceptance = decided == 0 ? 1.0 : settled ? (double)(curated + passed) / decided : WilsonUpperBound(curated + passed, decided);
        var samplesPerRequest = answered > 0 ? (double)counts.TotalSamples / answered : generation.SamplesPerRequest;
        var curatedPerRequest = acceptance * samplesPerRequest;
        var projected = curated + passing + (undecided * acceptance) + (unanswered * curatedPerRequest);
        var deficit = target - projected;
        if (deficit < 0.5)
        {
            // The projection reaches the target (never when settled: then it is the curated count): let it come true.
            return TargetDecision.Wait;
        }

        var max = MaxRequests(generation);
        if (planned >= max)
        {
            return settled
                ? TargetDecision.Stop($"{CapReached}: {counts.TotalSamples} samples generated (cap {GeneratedCap(generation)}, generation.maxGenerated), {curated} of {target} curated")
                : TargetDecision.Wait;
        }

        // With nothing accepted yet there is no rate to plan from: ask as if every sample will pass; the cap bounds it.
        var perRequest = curatedPerRequest > 0 ? curatedPerRequest : generation.SamplesPerRequest;
        return TargetDecision.Plan(Math.Min(max, planned + (long)Math.Ceiling(deficit / perRequest)));
    }

    /// <summary>Upper end of the Wilson score interval (z = 2) of a share <paramref name="hits"/> / <paramref name="trials"/>.</summary>
    private static double WilsonUpperBound(long hits, long trials)
    {
        const double z = 2.0;
        var n = (double)trials;
        var p = hits / n;
        var centre = p + (z * z / (2 * n));
        var spread = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4 * n * n)));
        return Math.Min(1.0, (centre + spread) / (1 + (z * z / n)));
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
