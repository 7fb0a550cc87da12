using Microsoft.Extensions.Configuration;
using Synth.Contracts.Samples;

namespace Synth.Worker;

/// <summary>
/// What this worker runs: a pipeline stage or the controller, from <c>--stage &lt;name&gt;</c> or Synth:Stage
/// (environment variable Synth__Stage). Read before the host is composed, since the composition depends on it.
/// </summary>
public static class WorkerRole
{
    public const string ConfigurationKey = "Synth:Stage";

    /// <summary>The role that runs the job state machine for the other processes.</summary>
    public const string Controller = "controller";

    /// <summary>The role that writes the curated-samples topic into dataset shards (Synth.Delivery.Processor).</summary>
    public const string DatasetSink = "dataset-sink";

    /// <summary>Maps <c>--stage filter</c> to Synth:Stage.</summary>
    public static readonly IDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--stage"] = ConfigurationKey,
    };

    private static readonly Stage[] PipelineStages = [Stage.Generator, Stage.Filter, Stage.LabelRefiner, Stage.Evaluator];

    /// <summary>Whether this worker is the dataset sink, which runs no pipeline stage and no controller (check before <see cref="Read"/>).</summary>
    public static bool IsDatasetSink(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.Equals(configuration[ConfigurationKey]?.Trim(), DatasetSink, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The pipeline stage to run, or null for the controller.</summary>
    /// <exception cref="InvalidOperationException">No role, or an unknown one, is configured.</exception>
    public static Stage? Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration[ConfigurationKey]?.Trim();
        if (string.Equals(name, Controller, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var stage in PipelineStages)
        {
            if (string.Equals(name, stage.Name(), StringComparison.OrdinalIgnoreCase))
            {
                return stage;
            }
        }

        var names = string.Join(", ", PipelineStages.Select(s => s.Name()).Append(Controller).Append(DatasetSink));
        throw new InvalidOperationException(string.IsNullOrEmpty(name)
            ? $"Synth:Stage is not set: start the worker with --stage <{names}> (or the environment variable Synth__Stage)."
            : $"Synth:Stage '{name}' is not a role: use one of {names}.");
    }
}
