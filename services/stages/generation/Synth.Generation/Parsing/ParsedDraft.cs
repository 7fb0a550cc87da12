using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Parsing;

/// <param name="ItemIndex">Position of the item in the answer.</param>
public sealed record ParsedDraft(int ItemIndex, SampleContent Content);
