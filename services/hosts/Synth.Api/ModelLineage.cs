using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

/// <param name="CostUsd">This sample's share of its request's cost.</param>
public sealed record ModelLineage(string? Provider, string? Model, IReadOnlyDictionary<string, string> Parameters, long PromptTokens, long CompletionTokens, decimal CostUsd);
