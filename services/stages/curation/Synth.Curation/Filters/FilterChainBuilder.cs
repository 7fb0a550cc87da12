using Synth.Contracts.Jobs;

namespace Synth.Curation.Filters;

/// <summary>
/// The chain a job's <c>curation.filter</c> section asks for, in a fixed order (schema, length, repetition, refusal,
/// block list, relevance). The judge is not part of it: its assessment costs a model call, so the stage asks for it
/// only when the rest of the chain passed and adds <see cref="JudgeFilter"/> itself.
/// </summary>
public static class FilterChainBuilder
{
    /// <param name="relevance">
    /// The relevance filter, built by the caller from embeddings (<see cref="Relevance"/>); null leaves it out.
    /// </param>
    public static FilterChain Build(FilterSpec filter, TaskSpec task, ISampleFilter? relevance)
    {
        var filters = new List<ISampleFilter>();
        if (filter.Schema.Enabled)
        {
            filters.Add(new SchemaFilter([.. task.Labels.Select(label => label.Name)]));
        }

        if (filter.Length.Enabled)
        {
            var length = filter.Length;
            filters.Add(new LengthFilter(new LengthBounds(length.MinChars, length.MaxChars, length.MinWords, length.MaxWords)));
        }

        if (filter.Repetition.Enabled)
        {
            filters.Add(new RepetitionFilter(filter.Repetition.Ngram, filter.Repetition.MaxRepeatedRatio));
        }

        if (filter.Refusal.Enabled)
        {
            var refusal = filter.Refusal;
            IReadOnlyList<string> phrases = [.. refusal.DefaultPhrases ? RefusalFilter.DefaultPhrases : [], .. refusal.Phrases];
            IReadOnlyList<string> instructions = refusal.DetectPromptLeak
                ? [.. new[] { task.Role, task.Purpose, task.DataDescription }.OfType<string>().Where(text => !string.IsNullOrWhiteSpace(text))]
                : [];
            filters.Add(new RefusalFilter(new RefusalOptions(
                phrases, instructions, refusal.EchoNgram, refusal.MaxEchoShare, refusal.DefaultPhrases ? RefusalFilter.DefaultOpenings : [])));
        }

        if (filter.BlockList.Terms.Count > 0)
        {
            filters.Add(new BlockListFilter(filter.BlockList.Terms));
        }

        if (relevance is not null)
        {
            filters.Add(relevance);
        }

        return new FilterChain(filters);
    }

    /// <summary>
    /// The relevance filter a spec asks for: the absolute <see cref="RelevanceFilter"/> when <c>minRelevance</c> is set,
    /// else the <see cref="CalibratedRelevanceFilter"/> on the support set's embeddings (empty: the job's running reference).
    /// </summary>
    /// <param name="taskEmbedding">Embedding of <see cref="TaskDescription"/>; needed only with <c>minRelevance</c>.</param>
    /// <param name="escalate">Whether the stage can ask the model about doubtful samples (<see cref="FilterResult.Doubtful"/>).</param>
    public static ISampleFilter Relevance(RelevanceFilterSpec spec, ReadOnlyMemory<float> taskEmbedding, IReadOnlyList<ReadOnlyMemory<float>> support, bool escalate = false) =>
        spec.MinRelevance is { } floor
            ? new RelevanceFilter(taskEmbedding, floor, spec.TaskWeight)
            : new CalibratedRelevanceFilter(
                new RelevanceCalibration(spec.OutlierDeviations, spec.WarmUp, spec.Window, EscalateBelow: escalate ? spec.EscalateBelow : null), support);

    /// <summary>What relevance is measured against: the task's purpose and data description.</summary>
    public static string TaskDescription(TaskSpec task) =>
        string.Join(' ', new[] { task.Purpose, task.DataDescription }.Where(text => !string.IsNullOrWhiteSpace(text)));
}
