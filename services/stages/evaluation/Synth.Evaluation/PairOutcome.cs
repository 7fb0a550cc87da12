using System.Globalization;
using System.Text;
using System.Text.Json;
using Synth.Contracts.Json;
using Synth.Contracts.Jobs;

namespace Synth.Evaluation;

/// <summary>A pair's outcome after judging it in both orders.</summary>
public enum PairOutcome
{
    AWins = 1,
    BWins = 2,
    Tie = 3,
}
