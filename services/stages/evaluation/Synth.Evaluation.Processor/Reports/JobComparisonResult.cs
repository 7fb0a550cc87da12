using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Evaluation;
using Synth.Llm;
using Synth.Store;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>What <see cref="JobComparison.CompareAsync"/> found: the result, and how many pairs shared a label and conditions.</summary>
public sealed record JobComparisonResult(string JobA, string JobB, string JudgeModel, int PairsDrawn, int PairsMatched, PairwiseResult Result);
