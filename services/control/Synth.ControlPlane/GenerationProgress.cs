using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record GenerationProgress(Guid CorrelationId, string JobId, string Instance, long RequestsRecorded, long RequestsPlanned, JobSpending Spent) : IJobMessage;
