using System.Globalization;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.LabelRefinement;

/// <param name="Considered">Stored classification samples past the filter (accepted, refined, evaluated).</param>
/// <param name="MovedOn">Changed samples not written because a stage or reviewer wrote them meanwhile (rerun to include them).</param>
/// <param name="NotRun">Why the student did not run, when it did not.</param>
public sealed record BatchRefineReport(int Considered, int Relabelled, int Flagged, int Queued, int MovedOn, string? NotRun = null);
