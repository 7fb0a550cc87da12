using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;

namespace Synth.Pipeline.Tests;

/// <summary>A filter whose constructor needs services: proves the loader builds processors through DI.</summary>
public sealed class InjectedFilter(TimeProvider time, InjectedFilter.Settings settings) : ISampleProcessor
{
    public sealed record Settings(string Name);

    public TimeProvider Time { get; } = time;

    public Settings Configured { get; } = settings;

    public Stage Stage => Stage.Filter;

    public ValueTask<StageVerdict> ProcessAsync(SampleDocument sample, PipelineJob job, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new StageVerdict(SampleState.Accepted));
}

public sealed class InjectedGenerator(TimeProvider time) : ISampleGenerator
{
    public TimeProvider Time { get; } = time;

    public ValueTask<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GenerationResult.Failed("not used"));
}

/// <summary>Not a processor at all.</summary>
public sealed class NotAProcessor;

public sealed class ProcessorLoaderTests
{
    private static readonly FixedTime Time = new();

    private static ServiceProvider Services() => new ServiceCollection()
        .AddSingleton<TimeProvider>(Time)
        .AddSingleton(new InjectedFilter.Settings("from-di"))
        .BuildServiceProvider();

    [Fact]
    public void An_unset_setting_is_an_error_naming_it()
    {
        using var services = Services();

        var error = Assert.Throws<InvalidOperationException>(() => ProcessorLoader.CreateProcessor(services, new ProcessorOptions(), Stage.Filter));

        Assert.Contains("Processors:Filter", error.Message, StringComparison.Ordinal);
        Assert.Contains("not set", error.Message, StringComparison.Ordinal);
        var generator = Assert.Throws<InvalidOperationException>(() => ProcessorLoader.CreateGenerator(services, new ProcessorOptions { Filter = typeof(InjectedFilter).FullName }));
        Assert.Contains("Processors:Generator", generator.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_type_is_an_error_naming_the_type()
    {
        using var services = Services();

        var error = Assert.Throws<InvalidOperationException>(() =>
            ProcessorLoader.CreateProcessor(services, new ProcessorOptions { Evaluator = "No.Such.Evaluator" }, Stage.Evaluator));

        Assert.Contains("'No.Such.Evaluator'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Processors:Evaluator", error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_that_does_not_implement_the_interface_is_an_error_saying_so()
    {
        using var services = Services();

        var error = Assert.Throws<InvalidOperationException>(() =>
            ProcessorLoader.CreateProcessor(services, new ProcessorOptions { Filter = typeof(NotAProcessor).FullName }, Stage.Filter));
        Assert.Contains(typeof(NotAProcessor).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not implement ISampleProcessor", error.Message, StringComparison.Ordinal);

        // A processor is not a generator either.
        var generator = Assert.Throws<InvalidOperationException>(() =>
            ProcessorLoader.CreateGenerator(services, new ProcessorOptions { Generator = typeof(InjectedFilter).FullName }));
        Assert.Contains("does not implement ISampleGenerator", generator.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_filter_configured_for_the_label_refiner_is_an_error_naming_both_stages()
    {
        using var services = Services();

        var error = Assert.Throws<InvalidOperationException>(() =>
            ProcessorLoader.CreateProcessor(services, new ProcessorOptions { LabelRefiner = typeof(InjectedFilter).FullName }, Stage.LabelRefiner));

        Assert.Contains("Processors:LabelRefiner", error.Message, StringComparison.Ordinal);
        Assert.Contains("stage filter", error.Message, StringComparison.Ordinal);
        Assert.Contains("not label-refiner", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_type_is_checked_at_start_up_by_the_options_validation()
    {
        var fine = new ProcessorOptions { Filter = typeof(InjectedFilter).FullName, Generator = typeof(InjectedGenerator).FullName };
        var wrong = new ProcessorOptions { Filter = "No.Such.Filter", Generator = typeof(InjectedFilter).FullName };

        var failures = wrong.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(wrong)).Select(r => r.ErrorMessage).ToArray();

        Assert.Empty(fine.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(fine)));
        Assert.Null(ProcessorLoader.ConfigurationError(new ProcessorOptions(), Stage.Filter));
        Assert.Equal(2, failures.Length);
        Assert.Contains(failures, f => f!.StartsWith("Processors:Generator:", StringComparison.Ordinal) && f.EndsWith("does not implement ISampleGenerator.", StringComparison.Ordinal));
        Assert.Contains("Processors:Filter: type 'No.Such.Filter' was not found.", failures);
    }

    [Fact]
    public void A_processor_of_a_loaded_assembly_is_found_by_type_name_and_created_with_its_services()
    {
        using var services = Services();

        var processor = ProcessorLoader.CreateProcessor(services, new ProcessorOptions { Filter = typeof(InjectedFilter).FullName }, Stage.Filter);

        var filter = Assert.IsType<InjectedFilter>(processor);
        Assert.Same(Time, filter.Time);
        Assert.Equal("from-di", filter.Configured.Name);

        var generator = Assert.IsType<InjectedGenerator>(ProcessorLoader.CreateGenerator(services, new ProcessorOptions { Generator = typeof(InjectedGenerator).FullName }));
        Assert.Same(Time, generator.Time);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_plugin_path_means_no_plugin(string pluginAssembly)
    {
        using var services = Services();

        var processor = ProcessorLoader.CreateProcessor(services, new ProcessorOptions { PluginAssembly = pluginAssembly, Filter = typeof(InjectedFilter).FullName }, Stage.Filter);

        Assert.IsType<InjectedFilter>(processor);
        var error = Assert.Throws<InvalidOperationException>(() =>
            ProcessorLoader.CreateProcessor(services, new ProcessorOptions { PluginAssembly = pluginAssembly, Filter = "No.Such.Filter" }, Stage.Filter));
        Assert.EndsWith("type 'No.Such.Filter' was not found.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_plugin_assembly_is_an_error_naming_the_setting_and_path()
    {
        using var services = Services();
        var path = Path.Combine(Path.GetTempPath(), $"no-such-plugin-{Guid.NewGuid():N}.dll");

        var error = Assert.Throws<InvalidOperationException>(() =>
            ProcessorLoader.CreateProcessor(services, new ProcessorOptions { PluginAssembly = path, Filter = "Some.Filter" }, Stage.Filter));

        Assert.Contains("Processors:PluginAssembly", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generator_stage_has_no_consuming_processor()
    {
        using var services = Services();

        Assert.Throws<ArgumentException>(() => ProcessorLoader.CreateProcessor(services, new ProcessorOptions { Generator = typeof(InjectedGenerator).FullName }, Stage.Generator));
        Assert.Equal("Processors:LabelRefiner", ProcessorLoader.SettingName(Stage.LabelRefiner));
    }
}
