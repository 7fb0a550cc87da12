namespace Synth.Curation.Labels;

/// <summary>The evidence a label decision rests on, weakest first: a stronger source is never overridden by a weaker one.</summary>
public enum LabelSource
{
    /// <summary>The generator's label, unchallenged or challenged only below the bars.</summary>
    Generator,
    /// <summary>A held-out student's confident prediction.</summary>
    Student,
    /// <summary>LLM votes whose majority reached the agreement bar.</summary>
    LlmVotes,
    /// <summary>A reviewer's label: always wins.</summary>
    Human,
}
