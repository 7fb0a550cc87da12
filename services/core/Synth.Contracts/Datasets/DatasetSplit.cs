using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.Contracts.Datasets;

/// <summary>
/// Assigns each sample to train, validation or test by a seeded hash of its id: stable across reruns and as the
/// dataset grows (a sample never moves split), and independent of the order samples are read in. The one rule shared
/// by <c>synth export</c> and the curated-samples topic, so the exported files and the dataset sink agree.
/// </summary>
public static class DatasetSplit
{
    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";

    public static readonly IReadOnlyList<string> All = [Train, Validation, Test];

    public static string Of(string sampleId, ExportSpec export)
    {
        ArgumentNullException.ThrowIfNull(sampleId);
        ArgumentNullException.ThrowIfNull(export);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{export.Seed}:{sampleId}"));
        // The top 53 bits as a uniform number in [0, 1).
        var position = (BitConverter.ToUInt64(hash, 0) >> 11) / (double)(1UL << 53);
        return position < export.TrainFraction ? Train
            : position < export.TrainFraction + export.ValidationFraction ? Validation
            : Test;
    }
}
