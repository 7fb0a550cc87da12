namespace Synth.Store;

public sealed record ConceptChild(string Name, double Weight);
