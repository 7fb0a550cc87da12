using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

public enum RevisionAction
{
    Keep = 0,
    Relabel = 1,
    Flag = 2,
}
