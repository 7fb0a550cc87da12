namespace Synth.Curation.Labels;

/// <summary>
/// One decision from all of a sample's label evidence. The order of strength is human, then LLM votes that reached the
/// agreement bar, then a confident held-out student, then the generator; the strongest evidence present decides and
/// a weaker one never overrides it (a student never undoes an agreed LLM relabel). A confident student that
/// disagrees with the decision is reported in <see cref="StudentOverruled"/>, so the sample can go to review.
/// </summary>
/// <param name="Label">The decided label.</param>
/// <param name="Source">The evidence it rests on.</param>
/// <param name="Confirmed">Whether independent evidence backs it (a reviewer, or agreed votes): the student trains on confirmed labels.</param>
/// <param name="StudentOverruled">A confident student predicted another label and stronger evidence decided.</param>
public sealed record LabelDecision(string Label, LabelSource Source, bool Confirmed, bool StudentOverruled)
{
    public static LabelDecision Decide(LabelEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var (label, source) = evidence switch
        {
            { HumanLabel: { } human } => (human, LabelSource.Human),
            { VotesAgree: true } => (evidence.Votes!.Label, LabelSource.LlmVotes),
            { StudentConfident: true } => (evidence.Student!.PredictedLabel, LabelSource.Student),
            _ => (evidence.GeneratorLabel, LabelSource.Generator),
        };
        var overruled = evidence.StudentConfident && source > LabelSource.Student && evidence.Student!.PredictedLabel != label;
        return new LabelDecision(label, source, source >= LabelSource.LlmVotes, overruled);
    }
}
