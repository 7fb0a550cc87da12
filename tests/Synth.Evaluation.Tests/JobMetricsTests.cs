using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Evaluation.Tests;

/// <summary>A job's metrics against values counted by hand on three samples.</summary>
public sealed class JobMetricsTests
{
    private static JobSpec Spec(bool embeddings)
    {
        var spec = new JobSpec { Name = "m" };
        spec.Task.Labels = [new LabelSpec { Name = "pos" }, new LabelSpec { Name = "neg" }];
        spec.Conditions.Dimensions = [new ConditionDimension { Name = "topic", Values = [new() { Value = "a" }, new() { Value = "b", Weight = 3 }] }];
        spec.Conditions.ConceptTree = new ConceptTreeSpec
        {
            Dimension = "area",
            Topics = [new ConceptNode { Name = "x", Children = [new ConceptNode { Name = "y" }, new ConceptNode { Name = "z" }] }, new ConceptNode { Name = "w" }],
        };
        spec.Evaluation.Embeddings = embeddings;
        return spec;
    }

    private static SampleDocument Sample(string text, string label, string topic, string area) => new()
    {
        Id = text,
        JobId = "j",
        TaskType = TaskType.TextClassification,
        Content = new SampleContent { Text = text, Label = label },
        Provenance = new Provenance { RequestId = "r", Conditions = new() { ["topic"] = topic, ["area"] = area } },
    };

    [Fact]
    public void Counts_diversity_labels_coverage_and_novelty_by_hand()
    {
        var metrics = new JobMetrics(Spec(embeddings: true), timelineEvery: 2);

        var n1 = metrics.Add(Sample("a b", "pos", "a", "x/y"), new float[] { 1, 0 });
        var n2 = metrics.Add(Sample("a c", "pos", "b", "x/y"), new float[] { 0, 1 });
        var n3 = metrics.Add(Sample("a b", "neg", "c", "w"), new float[] { 1, 1 });
        var snapshot = metrics.Snapshot();

        // Novelty: first 1; then 1 − cos(90°) = 1; then 1 − cos(45°).
        Assert.Equal([1.0, 1.0, 1 - Math.Sqrt(0.5)], [n1!.Value, n2!.Value, n3!.Value], (x, y) => Math.Abs(x - y) < 1e-6);
        Assert.Equal((2 + 1 - Math.Sqrt(0.5)) / 3, snapshot.MeanNovelty!.Value, 6);
        // Tokens a b | a c | a b: vocabulary {a, b, c}; unigrams 3 distinct of 6; bigrams {ab, ac} of 3.
        Assert.Equal(3, snapshot.Diversity.VocabularySize);
        Assert.Equal(0.5, snapshot.Diversity.DistinctN[0]);
        Assert.Equal(2.0 / 3, snapshot.Diversity.DistinctN[1], 12);
        Assert.Equal(new Dictionary<string, long> { ["pos"] = 2, ["neg"] = 1 }, snapshot.Labels!.Counts);
        // topic: a, b and the unlisted c once each against targets a ¼, b ¾: TVD = ½(|⅓−¼| + |⅓−¾| + ⅓).
        var topic = snapshot.Coverage.Single(c => c.Dimension == "topic");
        Assert.Equal(1.0, topic.Coverage);
        Assert.Equal(0.5 * (Math.Abs((1.0 / 3) - 0.25) + Math.Abs((1.0 / 3) - 0.75) + (1.0 / 3)), topic.Deviation, 12);
        // The tree's leaves are x/y, x/z (¼ each) and w (½): two of three seen.
        var area = snapshot.Coverage.Single(c => c.Dimension == "area");
        Assert.Equal(2.0 / 3, area.Coverage, 12);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 1, ["b"] = 1, ["c"] = 1 }, snapshot.ConditionCounts["topic"]);
        Assert.Equal(1.0, snapshot.ConditionNovelty["area"]["x/y"]);
        Assert.Equal(1 - Math.Sqrt(0.5), snapshot.ConditionNovelty["topic"]["c"], 6);
        // A point every 2 samples, and one at the current count.
        Assert.Equal([2L, 3], snapshot.Timeline.Select(p => p.Samples));
        Assert.Equal(3, snapshot.Timeline[0].VocabularySize);
        Assert.Equal(1, metrics.Pairs("topic", "area")[("a", "x/y")]);
    }

    [Fact]
    public void Without_embeddings_there_is_no_novelty_and_restore_counts_like_add_with_the_stored_novelty()
    {
        var added = new JobMetrics(Spec(embeddings: false));
        var restored = new JobMetrics(Spec(embeddings: false));
        var sample = Sample("one two three", "pos", "a", "w");

        Assert.Null(added.Add(sample, null));
        restored.Restore(sample, 0.7);

        Assert.Null(added.Snapshot().MeanNovelty);
        Assert.Equal(0.7, restored.Snapshot().MeanNovelty);
        Assert.Equal(added.Snapshot().Diversity.Tokens, restored.Snapshot().Diversity.Tokens);
        Assert.Throws<ArgumentException>(() => new JobMetrics(Spec(embeddings: true)).Add(sample, null));
    }

    [Fact]
    public void Sample_text_joins_every_content_field_in_reading_order()
    {
        var content = new SampleContent { Instruction = "Do it", Response = "Done", Turns = [new DialogueTurn { Role = "user", Text = "Hi" }] };

        Assert.Equal("Do it\nDone\nHi", SampleText.Of(content));
    }
}
