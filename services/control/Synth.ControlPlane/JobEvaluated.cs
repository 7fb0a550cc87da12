using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record JobEvaluated(Guid CorrelationId, string JobId, string? Error) : IJobMessage;
