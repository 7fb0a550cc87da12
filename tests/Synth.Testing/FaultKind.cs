namespace Synth.Testing;

/// <summary>What the simulated model did to one served sample.</summary>
public enum FaultKind
{
    /// <summary>A real on-task sentence with its true label.</summary>
    Clean,
    /// <summary>A real on-task sentence with the other label.</summary>
    WrongLabel,
    /// <summary>An earlier served sample again, word for word.</summary>
    ExactDuplicate,
    /// <summary>An earlier served sample with one word inserted.</summary>
    NearDuplicate,
    /// <summary>A chat model's refusal instead of a sample.</summary>
    Refusal,
    /// <summary>A real sentence behind a chat preamble ("Sure! Here is …").</summary>
    Preamble,
    /// <summary>A line of email (SpamAssassin), not a review.</summary>
    OffTask,
}
