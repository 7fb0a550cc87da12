using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation;

/// <summary>One point of the diversity-over-time series: the metrics after the first <c>Samples</c> samples.</summary>
public sealed record DiversityPoint(long Samples, long VocabularySize, double Distinct1, double Distinct2, double? MeanNovelty);
