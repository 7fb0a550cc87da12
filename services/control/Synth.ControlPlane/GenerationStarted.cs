using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

// Events from the stages.
public sealed record GenerationStarted(Guid CorrelationId, string JobId, string Instance) : IJobMessage;
