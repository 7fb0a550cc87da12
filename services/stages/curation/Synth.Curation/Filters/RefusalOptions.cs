using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <param name="Phrases">Refusal phrases; <see cref="RefusalFilter.DefaultPhrases"/> is a starting list.</param>
/// <param name="Instructions">Instruction texts the sample must not echo: the task's role, purpose, data description.</param>
/// <param name="EchoNgram">Word n-gram size for echo detection; short enough to survive small rewordings.</param>
/// <param name="MaxEchoShare">Largest tolerated share of an instruction's n-grams found in the sample.</param>
/// <param name="Openings">Assistant preambles ("Sure! Here is …") that fail a sample only when it starts with them;
/// <see cref="RefusalFilter.DefaultOpenings"/> is a starting list.</param>
public sealed record RefusalOptions(
    IReadOnlyList<string> Phrases, IReadOnlyList<string> Instructions, int EchoNgram = 4, double MaxEchoShare = 0.5, IReadOnlyList<string>? Openings = null);
