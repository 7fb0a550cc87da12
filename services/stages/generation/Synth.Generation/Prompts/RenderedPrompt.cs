using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Scriban;
using Scriban.Runtime;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Demonstrations;

namespace Synth.Generation.Prompts;

/// <param name="TemplateId">"builtin:&lt;kind&gt;/&lt;version&gt;", or "override:&lt;first 16 hex of the template text's SHA-256&gt;".</param>
/// <param name="PromptHash">SHA-256 (lower-case hex) of <paramref name="Text"/>, recorded on each sample.</param>
public sealed record RenderedPrompt(string Text, string TemplateId, string PromptHash);
