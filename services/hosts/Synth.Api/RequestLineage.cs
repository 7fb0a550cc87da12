using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

public sealed record RequestLineage(string Id, RequestStatus Status, int Attempts, string? Model, long PromptTokens, long CompletionTokens, decimal CostUsd, int SamplesInRequest, string? TraceId, Uri? TraceUrl, DateTimeOffset At);
