using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;
using Synth.Curation.Processor.Filter;
using Synth.Curation.Processor.LabelRefinement;
using Synth.Pipeline;

namespace Synth.Curation.Processor;

/// <summary>The modules of the two curation stages.</summary>
public static class CurationStages
{
    /// <summary>The built-in filter (<see cref="FilterProcessor"/>) for the pipeline composition's filter stage.</summary>
    public static IServiceCollection AddFilterStage(this IServiceCollection services) =>
        services.AddSingleton(StageModule.Of<FilterProcessor>(Stage.Filter));

    /// <summary>The built-in label refiner (<see cref="LabelRefinerProcessor"/>) for the pipeline composition's label-refiner stage.</summary>
    public static IServiceCollection AddLabelRefinerStage(this IServiceCollection services) =>
        services.AddSingleton(StageModule.Of<LabelRefinerProcessor>(Stage.LabelRefiner));
}
