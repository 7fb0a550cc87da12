namespace Synth.Generation.Conditions;

/// <summary>One condition key and the values it takes, each with its share of requests (shares sum to 1).</summary>
public sealed record ConditionAxis(string Name, IReadOnlyList<string> Values, IReadOnlyList<double> Shares, bool IsConceptTree);
