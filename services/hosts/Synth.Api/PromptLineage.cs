using Synth.Contracts.Json;
using Synth.Contracts.Samples;

namespace Synth.Api;

public sealed record PromptLineage(string RequestId, long RequestIndex, int IndexInRequest, string? Strategy, string? TemplateId, string? PromptHash);
