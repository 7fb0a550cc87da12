using System.Globalization;
using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;

namespace Synth.Evaluation;

/// <summary>Which position a single pairwise judgement preferred.</summary>
public enum Position
{
    First = 1,
    Second = 2,
}
