using Synth.Contracts.Samples;

namespace Synth.Datasets;

/// <summary>One record of a dataset file as sample content.</summary>
/// <param name="Id">The mapped id field, or "line-N" when the file has none.</param>
/// <param name="Line">1-based line of the record in its file (for CSV, the line its row starts on).</param>
public sealed record DatasetRecord(string Id, SampleContent Content, long Line);
