namespace Synth.Contracts.Jobs;

public enum StudentFeatureSet
{
    /// <summary>Word 1–2-grams and character 3-grams.</summary>
    Text = 1,
    /// <summary>MiniLM sentence embeddings (computed in-process, offline).</summary>
    Embedding = 2,
    TextAndEmbedding = 3,
}
