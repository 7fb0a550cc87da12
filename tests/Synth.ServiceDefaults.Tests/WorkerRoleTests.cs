using Microsoft.Extensions.Configuration;
using Synth.Contracts.Samples;
using Synth.Worker;

namespace Synth.ServiceDefaults.Tests;

/// <summary>The worker's role: <c>--stage</c> on the command line or Synth:Stage (Synth__Stage), read before composing.</summary>
public sealed class WorkerRoleTests
{
    private static Stage? Read(string[] args, IDictionary<string, string?>? settings = null) =>
        WorkerRole.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .AddCommandLine(args, WorkerRole.SwitchMappings)
            .Build());

    [Theory]
    [InlineData("generator", Stage.Generator)]
    [InlineData("filter", Stage.Filter)]
    [InlineData("label-refiner", Stage.LabelRefiner)]
    [InlineData("Evaluator", Stage.Evaluator)]
    public void The_stage_argument_names_the_pipeline_stage(string name, Stage expected)
    {
        Assert.Equal(expected, Read(["--stage", name]));
    }

    [Fact]
    public void The_setting_works_as_the_argument_does_and_the_argument_wins()
    {
        Assert.Equal(Stage.Filter, Read([], new Dictionary<string, string?> { ["Synth:Stage"] = "filter" }));
        Assert.Equal(Stage.Evaluator, Read(["--stage", "evaluator"], new Dictionary<string, string?> { ["Synth:Stage"] = "filter" }));
    }

    [Fact]
    public void The_controller_is_a_role_without_a_pipeline_stage()
    {
        Assert.Null(Read(["--stage", "controller"]));
    }

    [Theory]
    [InlineData("dataset-sink", true)]
    [InlineData("Dataset-Sink", true)]
    [InlineData("evaluator", false)]
    public void The_dataset_sink_is_a_role_of_its_own(string name, bool expected)
    {
        Assert.Equal(expected, WorkerRole.IsDatasetSink(new ConfigurationBuilder().AddCommandLine(["--stage", name], WorkerRole.SwitchMappings).Build()));
    }

    [Theory]
    [InlineData(new string[0], "Synth:Stage is not set")]
    [InlineData(new[] { "--stage", "filtre" }, "Synth:Stage 'filtre' is not a role")]
    public void A_missing_or_unknown_role_is_an_error_that_lists_the_roles(string[] args, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(args));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("generator, filter, label-refiner, evaluator, controller, dataset-sink", error.Message, StringComparison.Ordinal);
    }
}
