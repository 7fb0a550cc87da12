namespace Synth.Curation.Labels;

/// <summary>Everything known about one sample's label, for <see cref="LabelDecision.Decide"/>.</summary>
/// <param name="GeneratorLabel">The label the sample was generated with.</param>
/// <param name="HumanLabel">A reviewer's label, when there is one.</param>
/// <param name="Votes">The LLM's relabel votes, when it was asked.</param>
/// <param name="MinAgreement">Share of the votes the majority needs to count.</param>
/// <param name="Student">The held-out student's prediction, when a fold model was ready.</param>
/// <param name="MinConfidence">Student probability at or above which its prediction counts.</param>
public sealed record LabelEvidence(
    string GeneratorLabel,
    string? HumanLabel = null,
    VoteResult? Votes = null,
    double MinAgreement = 0.67,
    StudentPrediction? Student = null,
    double MinConfidence = 0.9)
{
    /// <summary>Whether the votes reached the agreement bar.</summary>
    public bool VotesAgree => Votes is { } votes && votes.Agreement >= MinAgreement;

    /// <summary>Whether the student is confident enough to count.</summary>
    public bool StudentConfident => Student is { } student && student.Probability >= MinConfidence;
}
