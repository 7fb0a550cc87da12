using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

public enum StudentFeatures
{
    /// <summary>Word and character n-grams of the text (<see cref="StudentOptions.WordNgramLength"/>, <see cref="StudentOptions.CharNgramLength"/>).</summary>
    Text = 1,
    Embedding = 2,
    TextAndEmbedding = 3,
}
