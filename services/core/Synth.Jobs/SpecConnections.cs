using Synth.Contracts.Jobs;

namespace Synth.Jobs;

/// <summary>
/// Puts each model call that names a connection on it, and refuses, in a spec from the API, anything that would
/// choose where a request goes or which credential it carries: only the operator's named connections may.
/// </summary>
internal static class SpecConnections
{
    /// <summary>The flat keys that pick an endpoint, a credential or a file; the operator's alone in an API spec.</summary>
    private static readonly string[] OperatorOnlyFields = ["baseUrl", "apiKeyEnv", "apiKeyFile", "deployment", "modelPath"];

    public static List<JobSpecError> Resolve(BoundSpec bound, SpecPolicy policy, string sourceName)
    {
        var errors = new List<JobSpecError>();
        foreach (var (path, call) in SpecModelCalls.Of(bound.Spec))
        {
            if (policy.Source == SpecSource.Api)
            {
                foreach (var field in OperatorOnlyFields.Where(f => bound.Positions.Has($"{path}.{f}")))
                {
                    Add($"{path}.{field}", $"'{field}' may not be written in a spec submitted over the API; "
                        + $"name a connection instead ({path}.connection), one of: {policy.ConnectionList}");
                }
            }

            if (call.ConnectionName is not { } name)
            {
                continue;
            }

            if (!policy.Connections.TryGetValue(name, out var connection))
            {
                Add($"{path}.connection", $"no connection '{name}' this spec may name; it may name: {policy.ConnectionList}");
                continue;
            }

            if (bound.Positions.Has($"{path}.provider") && call.Provider != connection.Provider)
            {
                Add($"{path}.provider", $"connection '{name}' is {SpecBinder.EnumName(connection.Provider)}; leave provider out or write that");
                continue;
            }

            if (call.Model is { } model && !connection.Allows(model))
            {
                Add($"{path}.model", $"connection '{name}' does not allow model '{model}'; it allows: {string.Join(", ", connection.Models)}");
                continue;
            }

            connection.ApplyTo(call);
        }

        // The faithfulness judge calls the filter judge's connection (or the generation's) under a model of its own.
        var spec = bound.Spec;
        var judged = spec.Curation.Filter.Judge.Connection ?? spec.Generation;
        if (spec.Evaluation.Faithfulness.Model is { } faithfulnessModel && judged.ConnectionName is { } judgedName
            && policy.Connections.TryGetValue(judgedName, out var judgedConnection) && !judgedConnection.Allows(faithfulnessModel))
        {
            Add("evaluation.faithfulness.model",
                $"connection '{judgedName}' does not allow model '{faithfulnessModel}'; it allows: {string.Join(", ", judgedConnection.Models)}");
        }

        return errors;

        void Add(string field, string message)
        {
            var at = bound.Positions.Find(field);
            errors.Add(new JobSpecError(sourceName, field, at?.Line, at?.Column, message));
        }
    }
}
