using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>The control plane restarted: each unfinished job re-issues what its state waits on.</summary>
public sealed record RecoverJob(Guid CorrelationId, string JobId) : IJobMessage;
