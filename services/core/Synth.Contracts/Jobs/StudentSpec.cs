namespace Synth.Contracts.Jobs;

/// <summary>The student: K-fold cross-partition classifier; no model labels data it was trained on.</summary>
public sealed class StudentSpec
{
    public bool Enabled { get; set; } = true;
    /// <summary>K: a sample's fold is a stable hash of its id; its model trains on the other K − 1 folds.</summary>
    public int Folds { get; set; } = 5;
    public StudentFeatureSet Features { get; set; } = StudentFeatureSet.Text;
    /// <summary>Fewest labelled samples in the other folds before a fold's model is trained.</summary>
    public int MinTrainingSamples { get; set; } = 100;
    /// <summary>The student's probability at or above which a disagreement is acted on.</summary>
    public double MinConfidence { get; set; } = 0.9;
    public StudentPolicy Policy { get; set; } = StudentPolicy.Relabel;
    /// <summary>A fold's model is retrained once this many more training samples are stored than it was trained on.</summary>
    public int RetrainAfter { get; set; } = 100;
}
