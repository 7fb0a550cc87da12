using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record ReviewTaskQueued(Guid CorrelationId, string JobId, string SampleId) : IJobMessage;
