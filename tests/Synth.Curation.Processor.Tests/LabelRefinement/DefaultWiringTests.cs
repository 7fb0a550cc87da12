using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Synth.Contracts.Samples;
using Synth.Curation.Processor.LabelRefinement;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Tests.LabelRefinement;

/// <summary>The label-refiner stage's module names the built-in refiner, and the pipeline composition creates it from DI.</summary>
public sealed class DefaultWiringTests
{
    [Fact]
    public async Task The_module_s_label_refiner_is_the_built_in_one_and_loads_from_di()
    {
        await using var fixture = await RefinerFixture.CreateAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(new ProcessorOptions()))
            .AddSingleton(fixture.Store)
            .AddSingleton(fixture.Stores.Reviews)
            .AddLabelRefinerStage()
            .BuildServiceProvider();

        var processor = PipelineComposition.CreateProcessor(services, Stage.LabelRefiner);

        Assert.IsType<LabelRefinerProcessor>(processor);
        (processor as IDisposable)?.Dispose();
    }
}
