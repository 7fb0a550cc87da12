namespace Synth.Contracts.Jobs;

/// <summary>The evaluator: streaming metrics, the faithfulness judge, indirect evaluation, report and export.</summary>
public sealed class EvaluationSpec
{
}
