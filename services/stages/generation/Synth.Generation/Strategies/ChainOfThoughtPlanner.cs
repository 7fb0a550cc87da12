using System.Text;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>
/// Chain-of-thought: a question (unless one is given), then a rationale, then the answer conditioned on the rationale.
/// For question answering the question step also writes the passage, unless the input has one.
/// </summary>
public sealed class ChainOfThoughtPlanner : StepPlanner
{
    public const string QuestionStep = "question";
    public const string RationaleStep = "rationale";
    public const string AnswerStep = "answer";

    private readonly TaskType _type;
    private readonly string? _givenQuestion;
    private readonly string? _givenContext;

    /// <param name="given">An input whose question (and passage) the sample keeps, e.g. from annotation; null to write one.</param>
    public ChainOfThoughtPlanner(RenderedPrompt preamble, TaskType type, SampleContent? given = null) : base(preamble)
    {
        if (type is not (TaskType.Reasoning or TaskType.QuestionAnswering))
        {
            throw new ArgumentException("chain-of-thought fits reasoning and question answering", nameof(type));
        }
        _type = type;
        _givenQuestion = string.IsNullOrWhiteSpace(given?.Question) ? null : given.Question;
        _givenContext = string.IsNullOrWhiteSpace(given?.Context) ? null : given.Context;
    }

    public override string Strategy => "chain-of-thought";

    /// <summary>The step names in order.</summary>
    public IReadOnlyList<string> Steps => _givenQuestion is null ? [QuestionStep, RationaleStep, AnswerStep] : [RationaleStep, AnswerStep];

    public override StepPrompt? Next(IReadOnlyList<StepOutput> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        var steps = Steps;
        if (done.Count >= steps.Count)
        {
            return null;
        }
        var step = steps[done.Count];
        if (step == QuestionStep)
        {
            return Prompt(done.Count, step, NeedsPassage
                ? "Write one new passage and a question about it that the passage answers. Reply in exactly this form:\nPassage: <the passage>\nQuestion: <the question>"
                : _givenContext is not null
                    ? $"Passage: {_givenContext}\n\nWrite one question about this passage that it answers. Reply with only the question."
                    : "Write one new problem. Reply with only the question; do not solve it.");
        }

        var (context, question) = Question(done);
        var instruction = new StringBuilder();
        if (context is not null)
        {
            instruction.AppendLine($"Passage: {context}");
        }
        instruction.AppendLine($"Question: {question}");
        if (step == RationaleStep)
        {
            instruction.Append("Work through it step by step. Give only the reasoning; do not state the final answer.");
        }
        else
        {
            instruction.AppendLine($"Reasoning: {Clean(done[done.Count - 1])}");
            instruction.Append("Based on this reasoning, reply with only the final answer.");
        }
        return Prompt(done.Count, step, instruction.ToString());
    }

    public override SampleContent Assemble(IReadOnlyList<StepOutput> done)
    {
        RequireDone(done, Steps.Count);
        var (context, question) = Question(done);
        return new SampleContent
        {
            Context = context,
            Question = question,
            Rationale = Clean(done[^2]),
            Answer = Clean(done[^1]),
        };
    }

    private bool NeedsPassage => _type == TaskType.QuestionAnswering && _givenContext is null;

    private (string? Context, string Question) Question(IReadOnlyList<StepOutput> done)
    {
        if (_givenQuestion is not null)
        {
            return (_givenContext, _givenQuestion);
        }
        var text = Clean(done[0]);
        if (!NeedsPassage)
        {
            return (_givenContext, text);
        }
        var passageAt = text.IndexOf("Passage:", StringComparison.OrdinalIgnoreCase);
        var questionAt = text.LastIndexOf("Question:", StringComparison.OrdinalIgnoreCase);
        if (passageAt < 0 || questionAt < passageAt)
        {
            throw new StepOutputException(QuestionStep, "expected 'Passage:' then 'Question:'", done[0].Text);
        }
        var passage = text[(passageAt + "Passage:".Length)..questionAt].Trim();
        var question = text[(questionAt + "Question:".Length)..].Trim();
        if (passage.Length == 0 || question.Length == 0)
        {
            throw new StepOutputException(QuestionStep, "empty passage or question", done[0].Text);
        }
        return (passage, question);
    }
}
