namespace Synth.Contracts.Jobs;

/// <summary>
/// Class-conditional generation: a classification job's label is one more condition dimension, <c>label</c>, planned
/// like the others from <see cref="TaskSpec.LabelShares"/>, so each request asks the model for one label and the
/// label balance of the set is the one asked for.
/// </summary>
public static class ClassConditioning
{
    public const string Dimension = "label";

    /// <summary>True when the job asks each request for a label: text classification with labels, shares not off,
    /// and not annotation (which labels given inputs).</summary>
    public static bool Applies(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Task.Type == Samples.TaskType.TextClassification
            && spec.Task.Labels.Count > 0
            && spec.Task.LabelShares != LabelShares.Off
            && spec.Generation.Strategy != GenerationStrategy.Annotation;
    }

    /// <summary>The dimensions the generator plans: the spec's own, plus <c>label</c> when <see cref="Applies"/>.</summary>
    public static ConditionsSpec PlannedConditions(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!Applies(spec))
        {
            return spec.Conditions;
        }

        var labels = new ConditionDimension
        {
            Name = Dimension,
            Values = spec.Task.Labels
                .Select(l => new ConditionValue { Value = l.Name, Weight = spec.Task.LabelShares == LabelShares.Weights ? l.Share ?? 0 : 1.0 })
                .ToList(),
        };
        return new ConditionsSpec
        {
            Dimensions = [.. spec.Conditions.Dimensions, labels],
            ConceptTree = spec.Conditions.ConceptTree,
            Sampling = spec.Conditions.Sampling,
        };
    }
}
