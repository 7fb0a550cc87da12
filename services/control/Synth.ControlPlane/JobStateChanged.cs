using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

// Events from the state machine.
public sealed record JobStateChanged(Guid CorrelationId, string JobId, JobState From, JobState To, string? Reason, DateTimeOffset At) : IJobMessage;
