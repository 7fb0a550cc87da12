using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

// Commands from the state machine to the stages (published: every generator instance receives them).
public sealed record StartGeneration(Guid CorrelationId, string JobId, int TargetCount) : IJobMessage;
