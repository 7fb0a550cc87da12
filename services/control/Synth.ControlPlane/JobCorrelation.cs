using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public static class JobCorrelation
{
    /// <summary>A stable UUID for a job id (name-based, SHA-256), so any process can address a job's saga.</summary>
    public static Guid Of(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("synth-job:" + jobId));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
