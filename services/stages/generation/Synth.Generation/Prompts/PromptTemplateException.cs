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

public sealed class PromptTemplateException(string message) : Exception(message);
