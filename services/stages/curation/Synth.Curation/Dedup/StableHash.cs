using System.Text;

namespace Synth.Curation.Dedup;

/// <summary>
/// 64-bit hashes that are the same in every process and on every machine (unlike string.GetHashCode), so MinHash
/// signatures and band keys written by one filter instance match those computed by another.
/// </summary>
public static class StableHash
{
    /// <summary>FNV-1a over the UTF-8 bytes, then the SplitMix64 finaliser for avalanche.</summary>
    public static ulong Of(string text)
    {
        var hash = 0xcbf29ce484222325UL;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ buffer[i]) * 0x100000001b3UL;
            }
        }

        return Mix(hash);
    }

    /// <summary>SplitMix64's finaliser: a bijection on 64 bits with good avalanche.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9UL;
        value = (value ^ (value >> 27)) * 0x94d049bb133111ebUL;
        return value ^ (value >> 31);
    }

    /// <summary>Bytes of a UTF-8 string as lowercase hex of SHA-256.</summary>
    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
