using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record ChangeJobTarget(Guid CorrelationId, string JobId, int TargetCount) : IJobMessage;
