namespace Synth.Store;

/// <summary>The order settled expansions are applied in: a parent always before its children.</summary>
public static class ConceptExpansionOrder
{
    public static int Depth(string nodePath) => nodePath.Length == 0 ? 0 : nodePath.Count(c => c == '/') + 1;

    public static IReadOnlyList<ConceptExpansionRecord> Sort(IEnumerable<ConceptExpansionRecord> records) =>
        [.. records.OrderBy(r => Depth(r.NodePath)).ThenBy(r => r.NodePath, StringComparer.Ordinal)];
}
