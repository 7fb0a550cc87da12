using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;
using Synth.Curation.Processor.LabelRefinement;
using Synth.Pipeline;
using Synth.Store;

namespace Synth.Curation.Processor.Tests.LabelRefinement;

/// <summary>The label-refiner service and the CLI name the built-in refiner, and the stage runtime can create it from DI.</summary>
public sealed class DefaultWiringTests
{
    [Theory]
    [InlineData("services/Synth.LabelRefiner/appsettings.json")]
    [InlineData("services/Synth.Cli/appsettings.json")]
    public async Task The_configured_label_refiner_is_the_built_in_one_and_loads_from_di(string settingsFile)
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, settingsFile)))!;
        var typeName = settings["Processors"]!["LabelRefiner"]!.GetValue<string>();
        await using var fixture = await RefinerFixture.CreateAsync();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<ISampleStore>(fixture.Store)
            .AddSingleton(sp => (IReviewStore)sp.GetRequiredService<ISampleStore>())
            .BuildServiceProvider();

        var processor = ProcessorLoader.CreateProcessor(services, new ProcessorOptions { LabelRefiner = typeName }, Stage.LabelRefiner);

        Assert.IsType<LabelRefinerProcessor>(processor);
        (processor as IDisposable)?.Dispose();
    }
}
