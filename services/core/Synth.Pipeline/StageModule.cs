using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>
/// A stage's built-in processor, registered by the stage's module (e.g. <c>AddFilterStage</c>). A type named in
/// configuration (Processors:&lt;Stage&gt;, a plug-in) replaces it.
/// </summary>
public sealed record StageModule(Stage Stage, Func<IServiceProvider, object> CreateProcessor)
{
    /// <summary>The module of a stage whose processor is <typeparamref name="TProcessor"/>, made with its dependencies from the container.</summary>
    public static StageModule Of<TProcessor>(Stage stage)
        where TProcessor : class =>
        new(stage, services => ActivatorUtilities.CreateInstance<TProcessor>(services));
}
