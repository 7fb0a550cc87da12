using System.Security.Cryptography;
using System.Text;
using Synth.Contracts.Jobs;

namespace Synth.ControlPlane;

public sealed record BudgetWarning(Guid CorrelationId, string JobId, string Limit, double FractionSpent) : IJobMessage;
