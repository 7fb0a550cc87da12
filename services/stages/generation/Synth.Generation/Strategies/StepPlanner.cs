using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>
/// Sample-wise decomposition as a pure planner: given the answers so far, the next prompt (null when done), and at the
/// end the assembled content. The caller owns the model calls, so a step can be retried or resumed from stored answers.
/// </summary>
public abstract class StepPlanner
{
    private readonly RenderedPrompt _preamble;

    /// <param name="preamble">The shared task, condition and demo part (<see cref="PromptRenderer.RenderPreamble"/>); each step appends its instruction.</param>
    protected StepPlanner(RenderedPrompt preamble)
    {
        ArgumentNullException.ThrowIfNull(preamble);
        _preamble = preamble;
    }

    /// <summary>The strategy name recorded on samples (dialogue, chain-of-thought, …).</summary>
    public abstract string Strategy { get; }

    /// <summary>The next prompt given the answers to the earlier steps, in order; null once every step is answered.</summary>
    public abstract StepPrompt? Next(IReadOnlyList<StepOutput> done);

    /// <summary>The sample built from every step's answer.</summary>
    public abstract SampleContent Assemble(IReadOnlyList<StepOutput> done);

    protected StepPrompt Prompt(int index, string step, string instruction)
    {
        var text = _preamble.Text + "\n\n" + instruction.ReplaceLineEndings("\n").Trim();
        return new StepPrompt(index, step, text, $"builtin:{Strategy}-{StepKind(step)}/{BuiltInTemplates.Version}", PromptRenderer.Hash(text));
    }

    /// <summary>The answer with whitespace and wrapping quotes removed; an empty answer cannot be built on.</summary>
    protected static string Clean(StepOutput output)
    {
        var text = output.Text.Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1].Trim();
        }
        if (text.Length == 0)
        {
            throw new StepOutputException(output.Step, "empty answer", output.Text);
        }
        return text;
    }

    protected static void RequireDone(IReadOnlyList<StepOutput> done, int steps)
    {
        ArgumentNullException.ThrowIfNull(done);
        if (done.Count != steps)
        {
            throw new InvalidOperationException($"the sample needs {steps} answered steps, has {done.Count}");
        }
    }

    // "section-3" and "turn-2" share one template per kind.
    private static string StepKind(string step)
    {
        var dash = step.LastIndexOf('-');
        return dash > 0 && step[(dash + 1)..].All(char.IsAsciiDigit) ? step[..dash] : step;
    }
}
