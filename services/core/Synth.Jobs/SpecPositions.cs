using YamlDotNet.Core;

namespace Synth.Jobs;

/// <summary>Where each field path's value starts in the spec text (keys for unknown fields).</summary>
internal sealed class SpecPositions(IReadOnlyDictionary<string, Mark> marks)
{
    /// <summary>Whether the spec wrote this field (rather than leaving it to its default).</summary>
    public bool Has(string path) => marks.ContainsKey(path);

    /// <summary>The field's position, or its nearest written ancestor's when the field itself was left out.</summary>
    public Mark? Find(string path)
    {
        while (true)
        {
            if (marks.TryGetValue(path, out var mark))
            {
                return mark;
            }

            if (path.Length == 0)
            {
                return null;
            }

            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut < 0 ? "" : path[..cut];
        }
    }
}
