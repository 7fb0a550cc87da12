using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Parsing;

/// <param name="ItemIndex">Position of the item in the answer; null when the answer as a whole failed (refusal, no JSON).</param>
/// <param name="Raw">The item's text (or the whole answer's), kept so the failure can be stored and inspected.</param>
public sealed record ParseFailure(int? ItemIndex, string Reason, string Raw);
