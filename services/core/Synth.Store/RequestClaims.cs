using System.Security.Cryptography;

namespace Synth.Store;

/// <summary>The claim bookkeeping both store implementations share.</summary>
public static class RequestClaims
{
    /// <summary>A lease that ends at <paramref name="expiresAt"/> is free from then on.</summary>
    public static bool IsExpired(DateTimeOffset expiresAt, DateTimeOffset now) => expiresAt <= now;

    /// <summary>The next unclaimed block: from <paramref name="claimedTo"/>, at most <paramref name="blockSize"/> indexes, never past the plan; null when none is left.</summary>
    public static (long Start, long End)? NextBlock(long planned, long claimedTo, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        return claimedTo < planned ? (claimedTo, Math.Min(planned, claimedTo + blockSize)) : null;
    }

    /// <summary>A fresh token, so a lease taken over and a lease held by an instance of the same name are told apart.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
