using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Parsing;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>Annotation: one step in which the model labels (or completes) an unlabelled input; the input's own fields are kept.</summary>
public sealed class AnnotationPlanner : StepPlanner
{
    public const string AnnotateStep = "annotate";

    private readonly RenderedPrompt _prompt;
    private readonly TaskSpec _task;
    private readonly SampleContent _input;

    public AnnotationPlanner(PromptInputs inputs, TemplateSpec? userOverride = null) : this(Rendered(inputs, userOverride), inputs)
    {
    }

    private AnnotationPlanner(RenderedPrompt prompt, PromptInputs inputs) : base(prompt)
    {
        _prompt = prompt;
        _task = inputs.Task;
        _input = inputs.Input!;
    }

    public override string Strategy => "annotation";

    public override StepPrompt? Next(IReadOnlyList<StepOutput> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        // The annotation template is the whole prompt: no step instruction is appended to it.
        return done.Count == 0 ? new StepPrompt(0, AnnotateStep, _prompt.Text, _prompt.TemplateId, _prompt.PromptHash) : null;
    }

    public override SampleContent Assemble(IReadOnlyList<StepOutput> done)
    {
        RequireDone(done, 1);
        var parsed = OutputParser.Parse(done[0].Text, _task, _input);
        if (parsed.Drafts.Count == 0)
        {
            var failure = parsed.Failures[0];
            throw new StepOutputException(AnnotateStep, failure.Reason, done[0].Text);
        }
        return parsed.Drafts[0].Content;
    }

    private static RenderedPrompt Rendered(PromptInputs inputs, TemplateSpec? userOverride)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Input is null)
        {
            throw new ArgumentException("annotation needs the input to annotate", nameof(inputs));
        }
        return PromptRenderer.Render(inputs, userOverride);
    }
}
