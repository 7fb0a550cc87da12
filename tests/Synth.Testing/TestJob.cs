using System.Globalization;

namespace Synth.Testing;

/// <summary>Job specs and the plug-in settings that make the real hosts run the test processors.</summary>
public static class TestJob
{
    public static string Spec(string id, int target, int samplesPerRequest) => string.Create(CultureInfo.InvariantCulture, $"""
        id: {id}
        name: End-to-end {id}
        task:
          type: text-classification
          dataDescription: Short product reviews.
          labels:
            - name: positive
              description: The reviewer is satisfied.
            - name: negative
              description: The reviewer is dissatisfied.
        demonstrations:
          k: 0
        generation:
          provider: openai-compatible
          model: scripted-model
          baseUrl: http://127.0.0.1:9/v1
          samplesPerRequest: {samplesPerRequest}
          target: {target}
        """);

    public static string WriteSpec(string directory, string id, int target, int samplesPerRequest)
    {
        var path = Path.Combine(directory, $"{id}.yaml");
        File.WriteAllText(path, Spec(id, target, samplesPerRequest));
        return path;
    }

    /// <summary>Environment that points a host at the test processors plug-in.</summary>
    public static Dictionary<string, string?> ProcessorEnvironment() => new()
    {
        ["Processors__PluginAssembly"] = RepoPaths.Output("tests/Synth.TestProcessors", "Synth.TestProcessors.dll"),
        ["Processors__Generator"] = "Synth.TestProcessors.ScriptedGenerator",
        ["Processors__Filter"] = "Synth.TestProcessors.MarkerFilter",
        ["Processors__LabelRefiner"] = "Synth.TestProcessors.MarkerLabelRefiner",
        ["Processors__Evaluator"] = "Synth.TestProcessors.LengthEvaluator",
    };

    /// <summary>How many of the first <paramref name="count"/> scripted samples the filter rejects (every 10th).</summary>
    public static int ExpectedRejected(int count) => count / 10;

    /// <summary>Whether the scripted sample at <paramref name="ordinal"/> (request index × samples per request + index in request) is marked "[reject]".</summary>
    public static bool IsMarkedForRejection(long ordinal) => ordinal % 10 == 9;
}
