using System.Text;

namespace Synth.Curation.Labels;

/// <summary>A label with the description the relabelling model is shown.</summary>
public sealed record LabelDefinition(string Name, string Description);
