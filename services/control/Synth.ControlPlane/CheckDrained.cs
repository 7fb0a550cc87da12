using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record CheckDrained(Guid CorrelationId, string JobId) : IJobMessage;
