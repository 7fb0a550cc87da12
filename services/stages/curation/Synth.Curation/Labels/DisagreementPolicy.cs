using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Synth.Contracts.Samples;

namespace Synth.Curation.Labels;

public enum DisagreementPolicy
{
    /// <summary>Apply the student's label; the change is recorded with its confidence.</summary>
    Relabel = 1,
    /// <summary>Leave the label; propose the change for review.</summary>
    Flag = 2,
}
