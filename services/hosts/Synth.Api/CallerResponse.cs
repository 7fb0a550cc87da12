namespace Synth.Api;

public sealed record CallerResponse(string Name, ApiRole Role);
