using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Store;

/// <summary>A sample browser query; every filter that is set must match.</summary>
public sealed record SampleBrowseQuery
{
    public required string JobId { get; init; }

    /// <summary>
    /// Only samples the given stage decided last (generator: generated; filter: accepted or rejected; evaluator:
    /// evaluated or rejected over a label quota; …): the stage's states at the stage's depth (<see cref="StageOrdinal"/>).
    /// </summary>
    public Stage? Stage { get; init; }

    public SampleDecision? Decision { get; init; }

    /// <summary>The current label, exactly.</summary>
    public string? Label { get; init; }

    /// <summary>A rejection whose reason contains this (case-insensitive for ASCII letters).</summary>
    public string? RejectReason { get; init; }

    /// <summary>Any content field (<see cref="SampleText.Of"/>) contains this (case-insensitive for ASCII letters).</summary>
    public string? Text { get; init; }

    public string? AfterId { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>
    /// The states the stage and decision filters allow together: null when neither is set (any state), empty when
    /// the two exclude each other (e.g. generator + rejected), so the store need not ask.
    /// </summary>
    public IReadOnlyList<SampleState>? States()
    {
        IEnumerable<SampleState>? states = Stage?.OutputStates();
        if (Decision is { } decision)
        {
            IReadOnlyList<SampleState> decided = decision == SampleDecision.Rejected
                ? [SampleState.Rejected]
                : [SampleState.Accepted, SampleState.Refined, SampleState.Evaluated];
            states = states is null ? decided : states.Intersect(decided);
        }

        return states?.ToList();
    }

    /// <summary>
    /// The pipeline depth (<see cref="SampleStates.StageOrdinal"/>) the stage filter asks for; null without one. A
    /// rejected sample's depth tells which stage rejected it: the filter, or the evaluator over a label quota.
    /// </summary>
    public int? StageOrdinal() => Stage?.OutputStates()[0].Ordinal();

    /// <summary>The same rule the stores apply, on one sample in memory (the stores' tests check against it).</summary>
    public bool Matches(SampleDocument sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.JobId == JobId
            && (States() is not { } states || states.Contains(sample.State))
            && (StageOrdinal() is not { } ordinal || sample.StageOrdinal() == ordinal)
            && (Label is null || sample.Content.Label == Label)
            && (RejectReason is null || sample.Decisions.Any(d => d.Outcome == SampleState.Rejected && ContainsAsciiIgnoreCase(d.Reason, RejectReason)))
            && (Text is null || ContainsAsciiIgnoreCase(SampleText.Of(sample.Content), Text))
            && (AfterId is null || string.CompareOrdinal(sample.Id, AfterId) > 0);
    }

    /// <summary>Case folding of ASCII letters only, as SQLite's lower() does, so both stores agree.</summary>
    private static bool ContainsAsciiIgnoreCase(string? text, string part) =>
        text is not null && AsciiLower(text).Contains(AsciiLower(part), StringComparison.Ordinal);

    private static string AsciiLower(string value) =>
        string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] + 32) : source[i];
            }
        });
}
