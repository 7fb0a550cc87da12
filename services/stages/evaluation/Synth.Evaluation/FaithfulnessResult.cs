using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <summary>The faithfulness estimate of a job (docs/evaluation.md, Faithfulness).</summary>
/// <param name="Judge">The LLM judge's verdicts on the random sample of samples no human labelled.</param>
/// <param name="Human">Human-labelled samples whose reviewer's label equals the model's label before review; null when none.</param>
/// <param name="Combined">Both sets of verdicts pooled.</param>
/// <param name="Population">Curated samples no human labelled, the population the sample is drawn from.</param>
/// <param name="SampleSize">Judgements the target margin needs (capped by maxJudgements and the population).</param>
/// <param name="Failures">Judge calls that ended without a verdict (each stored as a failure of the job).</param>
public sealed record FaithfulnessResult(
    ProportionInterval Judge,
    ProportionInterval? Human,
    ProportionInterval Combined,
    double Confidence,
    long Population,
    long SampleSize,
    long Failures,
    string JudgeModel);
