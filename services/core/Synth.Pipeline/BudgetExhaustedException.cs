using Synth.Contracts.Jobs;
using Synth.Contracts.Json;

namespace Synth.Pipeline;

/// <summary>
/// Thrown by a generator when the job's budget refuses a request's first model call: nothing was sent or spent, so
/// the request is not recorded (raising the budget and rerunning sends it), and no further request is started.
/// </summary>
public sealed class BudgetExhaustedException(BudgetLimit limit, string reason) : Exception($"budget reached ({EnumSpelling.Of(limit)}): {reason}")
{
    public BudgetLimit Limit { get; } = limit;
}
