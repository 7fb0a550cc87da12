using System.Globalization;
using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;

namespace Synth.Evaluation;

/// <summary>The pure parts of pairwise judging with position swapping: pairing, prompt, answer, outcome, tally.</summary>
public static class PairwiseComparison
{
    /// <summary>
    /// A wins only when the judge preferred A both when A was first and when B was first; B likewise; any other
    /// combination (the judge followed the position, not the content) is a tie.
    /// </summary>
    public static PairOutcome Resolve(Position aShownFirst, Position bShownFirst) => (aShownFirst, bShownFirst) switch
    {
        (Position.First, Position.Second) => PairOutcome.AWins,
        (Position.Second, Position.First) => PairOutcome.BWins,
        _ => PairOutcome.Tie,
    };

    /// <summary>
    /// Up to <paramref name="count"/> pairs (index in A, index in B), each item used once, matched on the most specific
    /// key they share: each item's keys run from most to least specific (e.g. label and conditions, then label); items
    /// left unmatched are paired in any order. Seeded, so the same stores and seed give the same pairs.
    /// </summary>
    public static IReadOnlyList<(int A, int B)> Match(IReadOnlyList<IReadOnlyList<string>> aKeys, IReadOnlyList<IReadOnlyList<string>> bKeys, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(aKeys);
        ArgumentNullException.ThrowIfNull(bKeys);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var unmatchedA = Enumerable.Range(0, aKeys.Count).ToArray();
        var unmatchedB = Enumerable.Range(0, bKeys.Count).ToArray();
        random.Shuffle(unmatchedA);
        random.Shuffle(unmatchedB);
        var pairs = new List<(int, int)>();
        var levels = aKeys.Concat(bKeys).Select(k => k.Count).DefaultIfEmpty(0).Max();
        var remainingA = unmatchedA.ToList();
        var remainingB = unmatchedB.ToList();
        for (var level = 0; level <= levels && pairs.Count < count; level++)
        {
            // Level `levels` is the fallback: every item shares the empty key.
            string KeyOf(IReadOnlyList<string> keys) => level < keys.Count ? keys[level] : level == levels ? "" : "\0none";
            var byKey = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
            foreach (var b in remainingB)
            {
                var key = KeyOf(bKeys[b]);
                if (!byKey.TryGetValue(key, out var queue))
                {
                    byKey[key] = queue = new Queue<int>();
                }

                queue.Enqueue(b);
            }

            var usedB = new HashSet<int>();
            var stillA = new List<int>();
            foreach (var a in remainingA)
            {
                var key = KeyOf(aKeys[a]);
                if (pairs.Count < count && key != "\0none" && byKey.TryGetValue(key, out var queue) && queue.Count > 0)
                {
                    var b = queue.Dequeue();
                    usedB.Add(b);
                    pairs.Add((a, b));
                }
                else
                {
                    stillA.Add(a);
                }
            }

            remainingA = stillA;
            remainingB = [.. remainingB.Where(b => !usedB.Contains(b))];
        }

        return pairs;
    }

    public static string Prompt(TaskSpec task, string first, string second)
    {
        ArgumentNullException.ThrowIfNull(task);
        var prompt = new StringBuilder()
            .AppendLine("You compare two synthetic training samples.")
            .Append("The data is meant to be: ").AppendLine(task.DataDescription);
        if (!string.IsNullOrWhiteSpace(task.Purpose))
        {
            prompt.Append("It will be used to: ").AppendLine(task.Purpose);
        }

        return prompt
            .AppendLine("Which sample is better training data: more faithful to that description, correct, fluent and useful? The order they are shown in means nothing.")
            .AppendLine("Answer with one JSON object and nothing else: {\"better\": 1 or 2, \"reason\": \"a short reason\"}")
            .AppendLine()
            .AppendLine("Sample 1:").AppendLine("\"\"\"").AppendLine(first).AppendLine("\"\"\"")
            .AppendLine("Sample 2:").AppendLine("\"\"\"").AppendLine(second).AppendLine("\"\"\"")
            .ToString();
    }

    /// <summary>The preferred position, or why the answer cannot be read (never the answer's text).</summary>
    public static (Position? Better, string? Problem) ParsePreference(string? answer)
    {
        using var document = AnswerJson.ParseObject(answer, out var problem);
        if (document is null)
        {
            return (null, problem);
        }

        var better = AnswerJson.Property(document.RootElement, "better");
        var choice = better.ValueKind switch
        {
            JsonValueKind.Number when better.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(better.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => 0,
        };
        return choice is 1 or 2 ? ((Position)choice, null) : (null, "the judge's answer has no 'better' of 1 or 2");
    }

    /// <summary>Win, tie and first-position rates, each with its Wilson interval at <paramref name="confidence"/>.</summary>
    /// <param name="judged">Each fully judged pair's two preferences: A shown first, then B shown first.</param>
    public static PairwiseResult Tally(IEnumerable<(Position AShownFirst, Position BShownFirst)> judged, long failures, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(judged);
        long pairs = 0, aWins = 0, bWins = 0, ties = 0, firstWins = 0;
        foreach (var (aFirst, bFirst) in judged)
        {
            pairs++;
            firstWins += (aFirst == Position.First ? 1 : 0) + (bFirst == Position.First ? 1 : 0);
            switch (Resolve(aFirst, bFirst))
            {
                case PairOutcome.AWins:
                    aWins++;
                    break;
                case PairOutcome.BWins:
                    bWins++;
                    break;
                default:
                    ties++;
                    break;
            }
        }

        var z = ProportionEstimate.Z(confidence);
        return new PairwiseResult(
            pairs,
            ProportionEstimate.Wilson(aWins, pairs, z),
            ProportionEstimate.Wilson(bWins, pairs, z),
            ProportionEstimate.Wilson(ties, pairs, z),
            ProportionEstimate.Wilson(firstWins, 2 * pairs, z),
            failures);
    }
}
