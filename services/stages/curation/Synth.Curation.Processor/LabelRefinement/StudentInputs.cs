using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Curation.Labels;
using Synth.Llm.Embeddings;

namespace Synth.Curation.Processor.LabelRefinement;

/// <summary>Turns a job's student settings and stored samples into the student's options and inputs.</summary>
public sealed class StudentInputs(Func<IEmbeddingGenerator<string, Embedding<float>>>? createEmbeddings = null) : IDisposable
{
    /// <summary>The states whose labels the student trains on: past the filter, not rejected.</summary>
    public static readonly IReadOnlyList<SampleState> TrainingStates = [SampleState.Accepted, SampleState.Refined, SampleState.Evaluated];

    private readonly Lazy<IEmbeddingGenerator<string, Embedding<float>>> _embeddings =
        new(createEmbeddings ?? (() => new MiniLmEmbeddingGenerator()), LazyThreadSafetyMode.ExecutionAndPublication);

    // A sample's text never changes after generation, so its embedding is computed once per process.
    private readonly ConcurrentDictionary<string, ReadOnlyMemory<float>> _cache = new(StringComparer.Ordinal);

    public static StudentOptions Options(StudentSpec spec) => new(
        Folds: spec.Folds,
        MinConfidence: spec.MinConfidence,
        Policy: spec.Policy == StudentPolicy.Flag ? DisagreementPolicy.Flag : DisagreementPolicy.Relabel,
        Features: spec.Features switch
        {
            StudentFeatureSet.Embedding => StudentFeatures.Embedding,
            StudentFeatureSet.TextAndEmbedding => StudentFeatures.TextAndEmbedding,
            _ => StudentFeatures.Text,
        });

    public static IReadOnlyList<string> Labels(JobSpec spec) => [.. spec.Task.Labels.Select(label => label.Name)];

    /// <summary>Whether the student can learn from or label the sample: a classification sample with text and a label.</summary>
    public static bool Usable(SampleDocument sample) =>
        sample.TaskType == TaskType.TextClassification && !string.IsNullOrWhiteSpace(sample.Content.Text) && sample.Content.Label is not null;

    public async Task<IReadOnlyList<StudentSample>> ToStudentSamplesAsync(IReadOnlyList<SampleDocument> samples, StudentSpec spec, CancellationToken cancellationToken)
    {
        var students = samples.Select(sample => new StudentSample(sample.Id, sample.Content.Text!, sample.Content.Label!, LabelMethods.IsHumanLabelled(sample))).ToList();
        if (spec.Features == StudentFeatureSet.Text)
        {
            return students;
        }

        var missing = samples.Where(sample => !_cache.ContainsKey(sample.Id)).ToList();
        if (missing.Count > 0)
        {
            var vectors = await _embeddings.Value.GenerateAsync(missing.Select(sample => sample.Content.Text!), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < missing.Count; i++)
            {
                _cache[missing[i].Id] = vectors[i].Vector;
            }
        }

        return [.. students.Select(student => student with { Embedding = _cache[student.SampleId] })];
    }

    public void Dispose()
    {
        if (_embeddings.IsValueCreated)
        {
            _embeddings.Value.Dispose();
        }
    }
}
