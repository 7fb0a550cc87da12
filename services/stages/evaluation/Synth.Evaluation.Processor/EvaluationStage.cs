using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.Evaluation.Processor;

/// <summary>The evaluator stage's module.</summary>
public static class EvaluationStage
{
    /// <summary>The built-in evaluator (<see cref="EvaluatorProcessor"/>) for the pipeline composition's evaluator stage.</summary>
    public static IServiceCollection AddEvaluatorStage(this IServiceCollection services) =>
        services.AddSingleton(StageModule.Of<EvaluatorProcessor>(Stage.Evaluator));
}
