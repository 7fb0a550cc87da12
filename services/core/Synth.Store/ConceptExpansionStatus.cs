namespace Synth.Store;

public enum ConceptExpansionStatus
{
    /// <summary>Claimed; the claimant's call is under way.</summary>
    Pending = 1,
    Expanded = 2,
    /// <summary>The call or its answer failed: the tree does not grow at this node.</summary>
    Failed = 3,
}
