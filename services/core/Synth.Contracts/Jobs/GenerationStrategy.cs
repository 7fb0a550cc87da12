using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public enum GenerationStrategy
{
    SingleStep = 1,
    /// <summary>The model labels unlabelled inputs from <see cref="AnnotationSpec.Inputs"/>.</summary>
    Annotation = 2,
    /// <summary>Turn by turn, the model alternating user and assistant.</summary>
    Dialogue = 3,
    /// <summary>Rationale first, then the answer conditioned on it.</summary>
    ChainOfThought = 4,
    /// <summary>An outline first, then each section conditioned on it.</summary>
    OutlineSections = 5,
    /// <summary>Conditions re-planned from coverage as the concept tree grows.</summary>
    DatasetDecomposition = 6,
}
