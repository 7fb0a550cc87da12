using Synth.Contracts.Samples;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// What a filter sees of one sample. Embeddings and the judge's assessment are computed elsewhere (the service owns
/// the model calls and their budget); a filter only reads them.
/// </summary>
public sealed class FilterSample(string sampleId, TaskType taskType, SampleContent content)
{
    private string? text;
    private string? normalizedText;

    public string SampleId { get; } = sampleId;
    public TaskType TaskType { get; } = taskType;
    public SampleContent Content { get; } = content;
    /// <summary>Embedding of <see cref="Text"/>; empty when none was computed.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
    /// <summary>Embeddings of the sample's condition values (the topic, style, … it was asked for).</summary>
    public IReadOnlyList<ReadOnlyMemory<float>> ConditionEmbeddings { get; init; } = [];
    public JudgeAssessment? Judge { get; init; }

    /// <summary>The content fields of the task type (<see cref="ContentText.Of"/>).</summary>
    public string Text => text ??= ContentText.Of(Content, TaskType);

    public string NormalizedText => normalizedText ??= TextNormalizer.Normalize(Text);
}

/// <summary>
/// An LLM judge's verdict on one sample: criterion (faithfulness, consistency, grammar, …) → score in [0, 1].
/// Only the shape: asking the judge is the service's business.
/// </summary>
public sealed record JudgeAssessment(string Judge, IReadOnlyDictionary<string, double> Criteria);

/// <summary>
/// One filter's verdict. Every score is a quality in [0, 1] where higher is better, so scores can be combined for
/// ranking; the sample passes when <see cref="Score"/> ≥ <see cref="Threshold"/>.
/// </summary>
public sealed record FilterResult(string Filter, double Score, double Threshold, string Reason)
{
    public bool Passed => Score >= Threshold;
}

public interface ISampleFilter
{
    /// <summary>Unique within a chain; the key of the filter's score on the sample's decision.</summary>
    string Name { get; }

    FilterResult Evaluate(FilterSample sample);
}

/// <summary>Runs every filter (so every score is recorded) and reports the first failure as the reason.</summary>
public sealed class FilterChain
{
    private readonly ISampleFilter[] filters;

    public FilterChain(IEnumerable<ISampleFilter> filters)
    {
        this.filters = [.. filters];
        var repeated = this.filters.GroupBy(filter => filter.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"Filter name '{repeated.Key}' appears more than once in the chain.", nameof(filters));
        }
    }

    public IReadOnlyList<ISampleFilter> Filters => filters;

    public ChainResult Evaluate(FilterSample sample) => new([.. filters.Select(filter => filter.Evaluate(sample))]);
}

public sealed record ChainResult(IReadOnlyList<FilterResult> Results)
{
    public bool Passed => FirstFailure is null;

    public FilterResult? FirstFailure => Results.FirstOrDefault(result => !result.Passed);

    /// <summary>The first failing filter's reason; null when the sample passed.</summary>
    public string? Reason => FirstFailure is { } failure ? $"{failure.Filter}: {failure.Reason}" : null;

    public IReadOnlyDictionary<string, double> Scores => Results.ToDictionary(result => result.Filter, result => result.Score, StringComparer.Ordinal);
}
