using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

/// <summary>A tree of topics and sub-topics; one path through it is a condition value per request.</summary>
public sealed class ConceptTreeSpec
{
    /// <summary>The condition key the chosen path is recorded under; must not repeat a dimension's name.</summary>
    public string Dimension { get; set; } = "topic";
    public ConceptTreeSource Source { get; set; } = ConceptTreeSource.Spec;
    /// <summary>The given tree; with <see cref="ConceptTreeSource.Llm"/> these are the seeds it grows from.</summary>
    public List<ConceptNode> Topics { get; set; } = [];
    /// <summary>Deepest level the model may grow the tree to (top-level topics are depth 1).</summary>
    public int MaxDepth { get; set; } = 3;
    /// <summary>Most children the model may give one node.</summary>
    public int MaxBranching { get; set; } = 5;
    /// <summary>With <see cref="ConceptTreeSource.Llm"/>: samples a leaf topic must have before the model is asked for its sub-topics.</summary>
    public int ExpandAfter { get; set; } = 20;
    /// <summary>With <see cref="ConceptTreeSource.Llm"/>: sub-topics asked for per expansion (at most <see cref="MaxBranching"/> are kept).</summary>
    public int ChildrenPerNode { get; set; } = 4;
}
