using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

/// <summary>Pauses a job: an operator's command, or a generator whose model endpoint keeps failing (with the reason).</summary>
public sealed record PauseJob(Guid CorrelationId, string JobId, string? Reason = null) : IJobMessage;
