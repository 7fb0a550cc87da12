namespace Synth.Store;

/// <param name="VectorsAfterSequence">Return the scope's stored embeddings written after this sequence number
/// (a caller caching vectors passes the last one it has); null returns none.</param>
public sealed record DedupLookupOptions(long? VectorsAfterSequence);
