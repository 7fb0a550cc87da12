using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

/// <summary>
/// Label enhancement by a student model with data-split training and cross-partition labelling: samples are split
/// into K folds by <see cref="FoldAssignment"/>; for each fold a classifier (Microsoft.ML maximum-entropy) is trained
/// on the other folds and predicts the held-out one, so no model labels data it was trained on. A confident
/// disagreement (probability ≥ <see cref="StudentOptions.MinConfidence"/>, label differs) is relabelled or flagged.
/// Deterministic for the same samples and options (seeded context, single-threaded trainers).
/// </summary>
public sealed class StudentRefiner
{
    private const string ScoreColumn = "Score";
    private readonly StudentOptions options;
    private readonly string[] labels;

    /// <param name="labels">The job's label set, in its order.</param>
    public StudentRefiner(IReadOnlyList<string> labels, StudentOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Folds, 2);
        if (labels.Count < 2 || labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            throw new ArgumentException("The student needs at least two distinct labels.", nameof(labels));
        }

        this.labels = [.. labels];
        this.options = options;
    }

    /// <param name="at">Time stamped on the label changes.</param>
    public IReadOnlyList<LabelRevision> Refine(IReadOnlyList<StudentSample> samples, DateTimeOffset at)
    {
        // Checked over the whole set first: a missing embedding is the caller's error, not a fold being too small.
        EmbeddingLength(samples);
        var folds = samples.Select(sample => FoldAssignment.Fold(sample.SampleId, options.Folds, options.Seed)).ToArray();
        var revisions = new List<LabelRevision>(samples.Count);
        for (var fold = 0; fold < options.Folds; fold++)
        {
            var heldOut = samples.Where((_, index) => folds[index] == fold).ToList();
            if (heldOut.Count == 0)
            {
                continue;
            }

            var model = Train(samples.Where((_, index) => folds[index] != fold).ToList(), fold);
            revisions.AddRange(model.Predict(heldOut, at));
        }

        var order = samples.Select((sample, index) => (sample.SampleId, index)).ToDictionary(pair => pair.SampleId, pair => pair.index, StringComparer.Ordinal);
        return [.. revisions.OrderBy(revision => order[revision.Prediction.SampleId])];
    }

    /// <summary>
    /// The fold's model, for the streaming refiner: trained on <paramref name="training"/> (samples whose label is not in
    /// the set are skipped), which must hold no sample of <paramref name="fold"/>.
    /// </summary>
    public StudentModel Train(IReadOnlyList<StudentSample> training, int fold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fold, options.Folds);
        if (training.FirstOrDefault(sample => FoldOf(sample.SampleId) == fold) is { } own)
        {
            throw new ArgumentException($"Sample '{own.SampleId}' belongs to fold {fold + 1}; its model must not train on it.", nameof(training));
        }

        var known = new HashSet<string>(labels, StringComparer.Ordinal);
        var usable = training.Where(sample => known.Contains(sample.Label)).ToList();
        if (usable.Select(sample => sample.Label).Distinct(StringComparer.Ordinal).Count() < 2)
        {
            throw new InvalidOperationException($"Fold {fold + 1} of {options.Folds} has fewer than two labels to train on; the set is too small for {options.Folds} folds.");
        }

        var embeddingLength = EmbeddingLength(usable);
        var mlContext = new MLContext(options.Seed);
        var schema = Schema(embeddingLength);
        var counts = usable.GroupBy(sample => sample.Label, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var rows = usable.Select(sample => Row.From(sample, embeddingLength,
            options.BalanceClasses ? (float)usable.Count / (counts.Count * counts[sample.Label]) : 1f));
        var transformer = Pipeline(mlContext, embeddingLength).Fit(mlContext.Data.LoadFromEnumerable(rows, schema));
        return new StudentModel(this, mlContext, transformer, schema, embeddingLength, fold, usable.Count);
    }

    /// <summary>The sample's fold under these options.</summary>
    public int FoldOf(string sampleId) => FoldAssignment.Fold(sampleId, options.Folds, options.Seed);

    /// <summary>One fold's trained classifier; it labels only samples of its own fold.</summary>
    public sealed class StudentModel
    {
        private readonly StudentRefiner owner;
        private readonly MLContext mlContext;
        private readonly ITransformer transformer;
        private readonly SchemaDefinition schema;
        private readonly int embeddingLength;

        internal StudentModel(StudentRefiner owner, MLContext mlContext, ITransformer transformer, SchemaDefinition schema, int embeddingLength, int fold, int trainedOn)
        {
            this.owner = owner;
            this.mlContext = mlContext;
            this.transformer = transformer;
            this.schema = schema;
            this.embeddingLength = embeddingLength;
            Fold = fold;
            TrainedOn = trainedOn;
        }

        public int Fold { get; }

        /// <summary>How many samples it was trained on.</summary>
        public int TrainedOn { get; }

        public IReadOnlyList<LabelRevision> Predict(IReadOnlyList<StudentSample> heldOut, DateTimeOffset at)
        {
            if (heldOut.FirstOrDefault(sample => owner.FoldOf(sample.SampleId) != Fold) is { } other)
            {
                throw new ArgumentException($"Sample '{other.SampleId}' is not in fold {Fold + 1}; this model may have trained on it.", nameof(heldOut));
            }

            if (heldOut.Count == 0)
            {
                return [];
            }

            // ML.NET models are not thread-safe for concurrent Transform calls on one instance.
            lock (transformer)
            {
                var scored = transformer.Transform(mlContext.Data.LoadFromEnumerable(heldOut.Select(sample => Row.From(sample, embeddingLength, 1f)), schema));
                // The cursor reuses one buffer per row: copy each row's probabilities out before moving on.
                var scores = scored.GetColumn<VBuffer<float>>(ScoreColumn).Select(buffer => buffer.DenseValues().ToArray()).ToList();
                return [.. heldOut.Select((sample, i) => owner.Revise(sample, Fold, scores[i], at))];
            }
        }
    }

    private LabelRevision Revise(StudentSample sample, int fold, float[] probabilities, DateTimeOffset at)
    {
        var best = 0;
        for (var k = 1; k < probabilities.Length; k++)
        {
            // Strictly greater: an exact tie goes to the label listed first.
            best = probabilities[k] > probabilities[best] ? k : best;
        }

        var current = Array.IndexOf(labels, sample.Label);
        var prediction = new StudentPrediction(sample.SampleId, fold, sample.Label, labels[best], probabilities[best], current < 0 ? 0 : probabilities[current]);
        if (sample.HumanLabelled || prediction.PredictedLabel == sample.Label || prediction.Probability < options.MinConfidence)
        {
            return new LabelRevision(prediction, RevisionAction.Keep, null);
        }

        var change = new LabelChange
        {
            From = sample.Label,
            To = prediction.PredictedLabel,
            Method = LabelMethod.StudentModel,
            By = $"{options.Trainer} on {options.Features}, fold {fold + 1} of {options.Folds}",
            Confidence = prediction.Probability,
            Reason = $"held-out student predicts '{prediction.PredictedLabel}' with probability {prediction.Probability:0.###} ≥ {options.MinConfidence:0.###}; '{sample.Label}' has {prediction.CurrentLabelProbability:0.###}",
            At = at,
        };
        return new LabelRevision(prediction, options.Policy == DisagreementPolicy.Relabel ? RevisionAction.Relabel : RevisionAction.Flag, change);
    }

    private int EmbeddingLength(IReadOnlyList<StudentSample> samples)
    {
        if (options.Features == StudentFeatures.Text)
        {
            return 0;
        }

        var lengths = samples.Select(sample => sample.Embedding.Length).Distinct().ToList();
        return lengths is [> 0 and var length]
            ? length
            : throw new ArgumentException($"Features {options.Features} need every sample to have an embedding of one length; found lengths {string.Join(", ", lengths)}.", nameof(samples));
    }

    private SchemaDefinition Schema(int embeddingLength)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        var embedding = schema[nameof(Row.Embedding)];
        if (embeddingLength > 0)
        {
            embedding.ColumnType = new VectorDataViewType(NumberDataViewType.Single, embeddingLength);
        }
        else
        {
            schema.Remove(embedding);
        }

        return schema;
    }

    private IEstimator<ITransformer> Pipeline(MLContext mlContext, int embeddingLength)
    {
        var keyData = mlContext.Data.LoadFromEnumerable(labels.Select(label => new LabelRow { Label = label }));
        IEstimator<ITransformer> pipeline = mlContext.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Row.Label), keyData: keyData);
        var featureColumns = new List<string>();
        if (options.Features != StudentFeatures.Embedding)
        {
            var text = new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = options.WordNgramLength > 0 ? new WordBagEstimator.Options { NgramLength = options.WordNgramLength, UseAllLengths = true } : null,
                CharFeatureExtractor = options.CharNgramLength > 0 ? new WordBagEstimator.Options { NgramLength = options.CharNgramLength, UseAllLengths = false } : null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            };
            pipeline = pipeline.Append(mlContext.Transforms.Text.FeaturizeText("TextFeatures", text, nameof(Row.Text)));
            featureColumns.Add("TextFeatures");
        }

        if (embeddingLength > 0)
        {
            featureColumns.Add(nameof(Row.Embedding));
        }

        pipeline = pipeline.Append(mlContext.Transforms.Concatenate("Features", [.. featureColumns]));
        return pipeline.Append(Trainer(mlContext));
    }

    private IEstimator<ITransformer> Trainer(MLContext mlContext)
    {
        switch (options.Trainer)
        {
            case StudentTrainer.SdcaMaximumEntropy:
                var sdca = new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = "LabelKey", FeatureColumnName = "Features", ExampleWeightColumnName = nameof(Row.Weight), NumberOfThreads = 1 };
                sdca.L2Regularization = options.L2Regularization ?? sdca.L2Regularization;
                return mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(sdca);
            case StudentTrainer.LbfgsMaximumEntropy:
                // A tolerance of 1e-4 (default 1e-7) stops once the probabilities are settled to well below the
                // confidence steps a policy uses, at a fraction of the iterations.
                var lbfgs = new LbfgsMaximumEntropyMulticlassTrainer.Options { LabelColumnName = "LabelKey", FeatureColumnName = "Features", ExampleWeightColumnName = nameof(Row.Weight), NumberOfThreads = 1, OptimizationTolerance = 1e-4f };
                lbfgs.L2Regularization = options.L2Regularization ?? lbfgs.L2Regularization;
                return mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(lbfgs);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Trainer, "Unknown trainer.");
        }
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
        public float[] Embedding { get; set; } = [];
        /// <summary>The sample's training weight (class balance); 1 when predicting.</summary>
        public float Weight { get; set; } = 1;

        public static Row From(StudentSample sample, int embeddingLength, float weight) => new()
        {
            Text = sample.Text,
            Label = sample.Label,
            Embedding = embeddingLength > 0 ? sample.Embedding.ToArray() : [],
            Weight = weight,
        };
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}
