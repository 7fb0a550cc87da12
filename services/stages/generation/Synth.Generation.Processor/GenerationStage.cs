using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.Generation.Processor;

/// <summary>The generator stage's module.</summary>
public static class GenerationStage
{
    /// <summary>The built-in generator (<see cref="LlmSampleGenerator"/>) for the pipeline composition's generator stage.</summary>
    public static IServiceCollection AddGeneratorStage(this IServiceCollection services) =>
        services.AddSingleton(StageModule.Of<LlmSampleGenerator>(Stage.Generator));
}
