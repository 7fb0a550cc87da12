namespace Synth.Delivery;

/// <summary>One training row, its values by column (<see cref="DatasetColumns"/>) and its estimated size.</summary>
public sealed record DatasetRow(string SampleId, long Version, string Split, IReadOnlyDictionary<string, object?> Values, long Bytes);
