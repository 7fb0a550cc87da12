using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>A labelled sample the student learns from and labels.</summary>
/// <param name="HumanLabelled">A reviewer's label: trained on, never changed.</param>
public sealed record StudentSample(string SampleId, string Text, string Label, bool HumanLabelled = false)
{
    /// <summary>Precomputed embedding, used when <see cref="StudentOptions.Features"/> asks for it.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
}
