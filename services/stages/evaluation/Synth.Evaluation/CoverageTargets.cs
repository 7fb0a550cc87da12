using Synth.Contracts.Jobs;

namespace Synth.Evaluation;

/// <summary>The shares a job asked for on each condition dimension, which coverage is measured against.</summary>
public static class CoverageTargets
{
    /// <summary>
    /// Each dimension's values with their weights (the class-conditional label among them), and the concept tree's leaf paths with their shares (the tree as
    /// written: leaves the model grows later are counted as values outside the target, never dropped).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Of(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var targets = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var dimension in ClassConditioning.PlannedConditions(spec).Dimensions.Where(d => d.Values.Count > 0))
        {
            targets[dimension.Name] = dimension.Values.ToDictionary(v => v.Value, v => v.Weight, StringComparer.Ordinal);
        }

        if (spec.Conditions.ConceptTree is { } tree && new ConceptTree(tree).Leaves() is { Count: > 0 } leaves)
        {
            targets[tree.Dimension] = leaves.ToDictionary(l => l.Path, l => l.Share, StringComparer.Ordinal);
        }

        return targets;
    }
}
