using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Synth.Contracts.Jobs;
using Synth.Generation.Parsing;

namespace Synth.Generation.Conditions;

/// <summary>What the model proposed for a node: the sub-topics kept, the repairs its JSON needed, or why none could be read.</summary>
public sealed record ConceptProposal(IReadOnlyList<ConceptNode> Topics, IReadOnlyList<string> Repairs, string? Error)
{
    public bool Succeeded => Error is null;
}
