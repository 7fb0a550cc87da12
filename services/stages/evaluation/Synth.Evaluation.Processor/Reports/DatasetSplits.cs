using Synth.Contracts.Datasets;
using Synth.Contracts.Jobs;

namespace Synth.Evaluation.Processor.Reports;

/// <summary>
/// The export's names for <see cref="DatasetSplit"/>: the rule itself lives in the contracts, so <c>synth export</c>
/// and the curated-samples topic (and the dataset sink reading it) put every sample in the same split.
/// </summary>
public static class DatasetSplits
{
    public const string Train = DatasetSplit.Train;
    public const string Validation = DatasetSplit.Validation;
    public const string Test = DatasetSplit.Test;

    public static readonly IReadOnlyList<string> All = DatasetSplit.All;

    public static string Of(string sampleId, ExportSpec export) => DatasetSplit.Of(sampleId, export);
}
