using Synth.Contracts.Jobs;

namespace Synth.Jobs;

/// <summary>The sections of a spec that call a model, each with its field path.</summary>
public static class SpecModelCalls
{
    /// <summary>The generation section, then the filter judge's and the relabel model's connections when written.</summary>
    public static IEnumerable<(string Path, ModelCallSpec Call)> Of(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        yield return ("generation", spec.Generation);
        if (spec.Curation.Filter.Judge.Connection is { } judge)
        {
            yield return ("curation.filter.judge.connection", judge);
        }

        if (spec.Curation.LabelRefinement.LlmRelabel.Model is { } relabel)
        {
            yield return ("curation.labelRefinement.llmRelabel.model", relabel);
        }
    }
}
