using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Refusals ("as an AI language model", "I can't help with") and prompt leaks (the sample echoes instruction text,
/// such as the task's role or purpose). Phrases match whole words in the normal form, so punctuation, case and
/// curly apostrophes do not matter. An instruction counts as echoed by the share of its word n-grams (n =
/// <see cref="RefusalOptions.EchoNgram"/>, or the whole instruction when shorter) found in the sample.
/// Score: 0 on a refusal phrase, else 1 − the largest echoed share; fails below 1 − <see cref="RefusalOptions.MaxEchoShare"/>.
/// </summary>
public sealed class RefusalFilter : ISampleFilter
{
    private readonly (string Raw, string Padded)[] phrases;
    private readonly (string Raw, string Prefix)[] openings;
    private readonly (string Raw, int N, string[] Ngrams)[] instructions;
    private readonly RefusalOptions options;

    public RefusalFilter(RefusalOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EchoNgram, 1);
        this.options = options;
        phrases = [.. options.Phrases
            .Select(phrase => (Raw: phrase, Normal: TextNormalizer.Normalize(phrase)))
            .Where(phrase => phrase.Normal.Length > 0)
            .Select(phrase => (phrase.Raw, $" {phrase.Normal} "))];
        openings = [.. (options.Openings ?? [])
            .Select(opening => (Raw: opening, Normal: TextNormalizer.Normalize(opening)))
            .Where(opening => opening.Normal.Length > 0)
            .Select(opening => (opening.Raw, $"{opening.Normal} "))];
        instructions = [.. options.Instructions
            .Select(instruction => (Raw: instruction, Words: TextNormalizer.WordsOf(instruction)))
            .Where(instruction => instruction.Words.Length > 0)
            .Select(instruction => (instruction.Raw, N: Math.Min(options.EchoNgram, instruction.Words.Length), instruction.Words))
            .Select(instruction => (instruction.Raw, instruction.N, Ngrams(instruction.Words, instruction.N)))];
    }

    /// <summary>Common refusal and self-reference openings of chat models.</summary>
    public static IReadOnlyList<string> DefaultPhrases { get; } =
    [
        "as an AI language model", "as a language model", "as an AI assistant", "I'm an AI", "I am an AI",
        "I can't help with", "I cannot help with", "I can't assist with", "I cannot assist with",
        "I'm sorry, but I can't", "I'm sorry, but I cannot", "I am unable to", "I'm unable to",
        "I cannot fulfill", "I can't fulfill", "I won't be able to",
    ];

    /// <summary>
    /// Chat-assistant preambles before the sample itself. Matched at the start only: "here is" inside a genuine text
    /// is ordinary prose. None of 3,000 UCI review sentences starts with one (docs/quality.md).
    /// </summary>
    public static IReadOnlyList<string> DefaultOpenings { get; } =
    [
        "sure here is", "sure here's", "sure here are", "sure thing", "certainly here is", "certainly here's", "certainly here are",
        "of course here is", "of course here's", "of course here are", "absolutely here is", "absolutely here's",
        "here is a sample", "here is an example", "here's a sample", "here's an example", "here are some",
    ];

    public string Name => "refusal";

    public FilterResult Evaluate(FilterSample sample)
    {
        var padded = $" {sample.NormalizedText} ";
        foreach (var (raw, prefix) in openings)
        {
            if (padded.AsSpan(1).StartsWith(prefix, StringComparison.Ordinal))
            {
                return new FilterResult(Name, 0, Threshold, $"assistant preamble \"{raw}\"");
            }
        }

        foreach (var (raw, phrase) in phrases)
        {
            if (padded.Contains(phrase, StringComparison.Ordinal))
            {
                return new FilterResult(Name, 0, Threshold, $"refusal phrase \"{raw}\"");
            }
        }

        var (worstShare, worstInstruction) = (0.0, (string?)null);
        if (instructions.Length > 0)
        {
            var words = TextNormalizer.Words(sample.NormalizedText);
            foreach (var (raw, n, ngrams) in instructions)
            {
                if (words.Length < n)
                {
                    continue;
                }

                var sampleNgrams = new HashSet<string>(Ngrams(words, n), StringComparer.Ordinal);
                var share = (double)ngrams.Count(sampleNgrams.Contains) / ngrams.Length;
                if (share > worstShare)
                {
                    (worstShare, worstInstruction) = (share, raw);
                }
            }
        }

        var score = 1 - worstShare;
        var reason = worstInstruction is null
            ? "no refusal phrase or echoed instruction"
            : $"echoes {worstShare * 100:0}% of the instruction \"{Shorten(worstInstruction)}\"";
        return new FilterResult(Name, score, Threshold, reason);
    }

    private double Threshold => 1 - options.MaxEchoShare;

    private static string[] Ngrams(string[] words, int n) =>
        [.. Enumerable.Range(0, words.Length - n + 1).Select(i => string.Join(' ', words, i, n))];

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
