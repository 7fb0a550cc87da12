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
