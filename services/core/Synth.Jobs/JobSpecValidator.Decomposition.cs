using Synth.Contracts.Jobs;

namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>Rules of the fields that steer dataset-wise decomposition (the model growing the concept tree).</summary>
    private void CheckConceptGrowth(string path, ConceptTreeSpec tree, bool grows)
    {
        foreach (var field in new[] { "expandAfter", "childrenPerNode" })
        {
            if (!grows && positions.Has($"{path}.{field}"))
            {
                Add($"{path}.{field}", "only used when the model grows the tree (source: llm)");
            }
        }

        AtLeast($"{path}.expandAfter", tree.ExpandAfter, 1);
        AtLeast($"{path}.childrenPerNode", tree.ChildrenPerNode, 1);
        // The default may exceed a small maxBranching (it is then capped); a written value must fit.
        if (positions.Has($"{path}.childrenPerNode") && tree.ChildrenPerNode > tree.MaxBranching)
        {
            Add($"{path}.childrenPerNode", $"{tree.ChildrenPerNode} is more than maxBranching ({tree.MaxBranching}): no node may keep that many children");
        }
    }
}
