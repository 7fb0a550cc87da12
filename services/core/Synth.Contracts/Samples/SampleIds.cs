using System.Globalization;
using System.Text.RegularExpressions;

namespace Synth.Contracts.Samples;

/// <summary>
/// Deterministic ids: rerunning a job derives the same ids, so every store write is an idempotent upsert
/// and a stored LLM answer is found again instead of bought again.
/// </summary>
public static partial class SampleIds
{
    public static string Request(string jobId, long requestIndex)
    {
        ValidateJobId(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(requestIndex);
        return string.Create(CultureInfo.InvariantCulture, $"{jobId}-r{requestIndex:D6}");
    }

    public static string For(string jobId, long requestIndex, int indexInRequest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(indexInRequest);
        return string.Create(CultureInfo.InvariantCulture, $"{Request(jobId, requestIndex)}-s{indexInRequest:D3}");
    }

    /// <summary>Job ids are lowercase letters, digits and dashes (they appear in sample ids, file names and URLs).</summary>
    public static bool IsValidJobId(string jobId) => JobIdPattern().IsMatch(jobId);

    public static void ValidateJobId(string jobId)
    {
        if (!IsValidJobId(jobId))
        {
            throw new ArgumentException(
                $"Job id '{jobId}' is invalid: use 1-64 lowercase letters, digits and dashes, starting with a letter or digit.",
                nameof(jobId));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex JobIdPattern();
}
