using System.Globalization;
using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;

namespace Synth.Evaluation;

/// <summary>Open evaluation of job A against job B (docs/evaluation.md, Pairwise comparison).</summary>
/// <param name="Pairs">Pairs judged in both orders (pairs with a failed judgement are not among them).</param>
/// <param name="FirstPositionWins">Share of the single judgements that preferred whichever sample was shown first (0.5 is unbiased).</param>
/// <param name="Failures">Single judgements that ended without a readable preference; their pairs are left out.</param>
public sealed record PairwiseResult(
    long Pairs,
    ProportionInterval AWins,
    ProportionInterval BWins,
    ProportionInterval Ties,
    ProportionInterval FirstPositionWins,
    long Failures);
