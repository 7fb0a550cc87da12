using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synth.Curation.Labels;

/// <summary>
/// Deterministic K-fold split by sample id: fold = first 8 bytes of SHA-256("seed:id") mod K. A sample keeps its
/// fold across runs, processes and the arrival order of the others.
/// </summary>
public static class FoldAssignment
{
    public static int Fold(string sampleId, int folds, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{sampleId}"));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % (ulong)folds);
    }
}
