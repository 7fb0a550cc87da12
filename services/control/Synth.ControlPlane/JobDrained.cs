using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record JobDrained(Guid CorrelationId, string JobId) : IJobMessage;
