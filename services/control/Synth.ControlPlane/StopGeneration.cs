using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record StopGeneration(Guid CorrelationId, string JobId, string Reason) : IJobMessage;
