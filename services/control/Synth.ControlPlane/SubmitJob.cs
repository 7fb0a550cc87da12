using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

// Commands to the job state machine (from the API and CLI, through IJobControl).
public sealed record SubmitJob(Guid CorrelationId, string JobId, int TargetCount, JobBudgetLimits Limits) : IJobMessage;
