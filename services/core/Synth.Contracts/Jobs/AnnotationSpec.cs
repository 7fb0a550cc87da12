using System.Text.Json.Serialization;
using Synth.Contracts.Samples;

namespace Synth.Contracts.Jobs;

public sealed class AnnotationSpec
{
    /// <summary>The unlabelled inputs the model annotates, one sample each.</summary>
    public DatasetSpec Inputs { get; set; } = new();
}
