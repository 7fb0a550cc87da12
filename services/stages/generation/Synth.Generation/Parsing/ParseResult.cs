using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Parsing;

/// <summary>What a model's answer held: every item is either a draft or a failure, never dropped.</summary>
/// <param name="Repairs">The breakage that was repaired: code-fence, leading-prose, trailing-text, trailing-comma, single-quotes, unquoted-key, truncated.</param>
public sealed record ParseResult(
    IReadOnlyList<ParsedDraft> Drafts,
    IReadOnlyList<ParseFailure> Failures,
    IReadOnlyList<string> Repairs,
    bool Truncated,
    bool Refused,
    string RawText)
{
    /// <summary>Items found in the answer (a failed answer counts as one): always drafts plus failures.</summary>
    public int ItemsSeen => Drafts.Count + Failures.Count;
}
