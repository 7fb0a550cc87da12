using System.Text.Json.Serialization;

namespace Synth.Contracts.Jobs;

public enum JobState
{
    Submitted = 1,
    Generating = 2,
    Draining = 3,
    Evaluating = 4,
    Completed = 5,
    Paused = 6,
    Cancelled = 7,
    Failed = 8,
}
