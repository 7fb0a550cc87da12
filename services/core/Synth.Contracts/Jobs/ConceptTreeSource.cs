using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum ConceptTreeSource
{
    /// <summary>The tree is exactly as written in the spec.</summary>
    Spec = 1,
    /// <summary>The model grows the tree as data arrives (dataset-wise decomposition).</summary>
    Llm = 2,
}
