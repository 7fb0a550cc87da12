using Synth.Contracts.Jobs;
using YamlDotNet.RepresentationModel;

namespace Synth.Jobs.Tests;

/// <summary>The spec is normalised once, before validation, and stored in a form that gives back the same spec.</summary>
public sealed class NormalisationTests
{
    [Fact]
    public void Validation_reads_a_normalised_spec_without_changing_it_and_normalising_again_changes_nothing()
    {
        using var folder = new SpecFolder();
        folder.Write("data/support.jsonl", "{\"text\": \"a\", \"label\": \"yes\"}\n");
        folder.Write("data/inputs.csv", "text\nhello\n");
        folder.Write("prompt.sbn", "Write {{ task }}");
        folder.Write("schema.json", "{ \"type\": \"object\" }");
        var bound = Bind("""
            name: normalised
            task:
              type: text-classification
              dataDescription: d
              outputSchemaFile: schema.json
              labels: [{ name: yes, description: y }, { name: no, description: n }]
            demonstrations:
              supportSet: { path: data/support.jsonl }
            templates:
              text-classification: { file: prompt.sbn }
            generation:
              baseUrl: "http://h/v1"
              model: m
              strategy: annotation
              annotation: { inputs: { path: data/inputs.csv } }
            evaluation:
              indirect: {}
            """);

        var written = JobSpecNormaliser.Normalise(bound.Spec, folder.Root, out _);
        var normalised = JobSpecJson.ToJson(bound.Spec);

        Assert.Empty(JobSpecValidator.Validate(bound, "job.yaml", written, requireFiles: true));
        Assert.Equal(normalised, JobSpecJson.ToJson(bound.Spec));
        Assert.Equal(Path.Combine(folder.Root, "data", "inputs.csv"), bound.Spec.Generation.Annotation!.Inputs.Path);
        Assert.Equal(DatasetFormat.Csv, bound.Spec.Generation.Annotation.Inputs.Format);
        Assert.Equal(Path.Combine(folder.Root, "prompt.sbn"), bound.Spec.Templates[Contracts.Samples.TaskType.TextClassification].File);
        Assert.Equal(Path.Combine(folder.Root, "data", "benchmarks"), bound.Spec.Evaluation.Indirect!.DataFolder);
        Assert.Equal("data/support.jsonl", written["demonstrations.supportSet.path"]);

        JobSpecNormaliser.Normalise(bound.Spec, Path.Combine(folder.Root, "elsewhere"), out _);
        Assert.Equal(normalised, JobSpecJson.ToJson(bound.Spec));
    }

    [Fact]
    public void A_strategy_gets_its_default_settings_before_validation()
    {
        var bound = Bind("""
            name: talk
            task: { type: dialogue, dataDescription: d }
            generation: { baseUrl: "http://h/v1", model: m, strategy: dialogue }
            """);

        JobSpecNormaliser.Normalise(bound.Spec, "/specs", out _);

        Assert.Equal(new DialogueSpec().MaxTurns, bound.Spec.Generation.Dialogue!.MaxTurns);
        Assert.Null(bound.Spec.Generation.Outline);
    }

    [Theory]
    [MemberData(nameof(ExamplesTests.ExampleFiles), MemberType = typeof(ExamplesTests))]
    public void Every_example_comes_back_from_its_stored_form_unchanged(string file)
    {
        var spec = JobSpecLoader.LoadFile(Path.Combine(ExamplesTests.ExamplesFolder, file));

        var stored = JobSpecJson.ToJson(spec);

        Assert.Equal(stored, JobSpecJson.ToJson(JobSpecJson.FromJson(stored)));
    }

    [Fact]
    public void A_bound_set_to_null_stays_null_in_the_stored_form()
    {
        var spec = JobSpecLoader.Parse("""
            name: unbounded
            task: { type: instruction-response, dataDescription: d }
            generation: { baseUrl: "http://h/v1", model: m }
            curation:
              filter:
                length: { maxChars: null }
            """, "job.yaml");

        var back = JobSpecJson.FromJson(JobSpecJson.ToJson(spec));

        Assert.Null(back.Curation.Filter.Length.MaxChars);
        Assert.Equal(spec.Curation.Filter.Length.MinChars, back.Curation.Filter.Length.MinChars);
    }

    private static BoundSpec Bind(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return SpecBinder.Bind(stream.Documents[0].RootNode, "job.yaml");
    }
}
