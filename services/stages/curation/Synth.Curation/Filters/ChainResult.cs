using Synth.Contracts.Samples;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

public sealed record ChainResult(IReadOnlyList<FilterResult> Results)
{
    public bool Passed => FirstFailure is null;

    public FilterResult? FirstFailure => Results.FirstOrDefault(result => !result.Passed);

    /// <summary>The first failing filter's reason; null when the sample passed.</summary>
    public string? Reason => FirstFailure is { } failure ? $"{failure.Filter}: {failure.Reason}" : null;

    public IReadOnlyDictionary<string, double> Scores => Results.ToDictionary(result => result.Filter, result => result.Score, StringComparer.Ordinal);
}
