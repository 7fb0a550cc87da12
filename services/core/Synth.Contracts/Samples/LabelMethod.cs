namespace Synth.Contracts.Samples;

/// <summary>
/// How a label came to be (<see cref="LabelChange.Method"/>), or what proposed a review candidate
/// (<see cref="ReviewCandidateLabel.Method"/>). Stored as the kebab-case spelling: generator, llm-relabel, …
/// </summary>
public enum LabelMethod
{
    /// <summary>The label the generating model gave the sample.</summary>
    Generator = 1,
    /// <summary>The auxiliary model's majority vote.</summary>
    LlmRelabel = 2,
    /// <summary>The cross-partition student classifier.</summary>
    StudentModel = 3,
    /// <summary>A reviewer; automated methods never change such a label again.</summary>
    HumanReview = 4,
    /// <summary>Review candidates only: the sample's label as it stood when it was queued.</summary>
    Current = 5,
}
