using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record GenerationFinished(Guid CorrelationId, string JobId, int ShardIndex, int ShardCount, int TargetCount, string? StopReason) : IJobMessage;
