using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record EvaluateJob(Guid CorrelationId, string JobId) : IJobMessage;
