using Synth.Contracts.Jobs;
using Synth.Llm;

namespace Synth.Generation.Processor;

/// <summary>A model call's answer, or why the budget did not let it be sent.</summary>
internal sealed record GatedCall(LlmResult? Result, BudgetLimit? BudgetLimit, string? BudgetReason)
{
    public bool Refused => Result is null;
}
