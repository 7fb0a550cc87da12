namespace Synth.Delivery;

/// <summary>A shard a seal writes: its path under the job's folder and its rows in order.</summary>
public sealed record ShardToWrite(string Path, string Split, int Index, IReadOnlyList<DatasetRow> Rows);
