using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record StageProgress(Guid CorrelationId, string JobId, string Stage, string Instance, long Processed) : IJobMessage;
