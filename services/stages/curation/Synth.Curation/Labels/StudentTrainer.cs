using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

public enum StudentTrainer
{
    /// <summary>The default: on the UCI sentences as accurate as SDCA and several times faster single-threaded.</summary>
    LbfgsMaximumEntropy = 1,
    SdcaMaximumEntropy = 2,
}
