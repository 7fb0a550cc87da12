using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>
/// Generation of the job is over (reported by each instance running it when it sees that): every planned request is
/// recorded and the target reached, or the budget or the cap on generated samples stopped it.
/// </summary>
public sealed record GenerationFinished(Guid CorrelationId, string JobId, string Instance, int TargetCount, string? StopReason) : IJobMessage;
