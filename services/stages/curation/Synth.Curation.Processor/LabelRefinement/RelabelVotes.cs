using Synth.Curation.Labels;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>The k votes on one sample: the aggregate, or why there is none.</summary>
/// <param name="Invalid">Answers that named no label, or failed calls.</param>
public sealed record RelabelVotes(VoteResult? Result, int Requested, int Invalid, string Model, string? NotDone);
