using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;
using Synth.Generation.Strategies;

namespace Synth.Generation.Tests;

public sealed class StrategyTests
{
    private static RenderedPrompt Preamble(TaskType type) =>
        PromptRenderer.RenderPreamble(new PromptInputs { Task = new TaskSpec { Type = type, DataDescription = "Data for the test." } });

    /// <summary>Drives a planner the way the generator will: ask for the next prompt, answer it, until done.</summary>
    private static (List<StepPrompt> Prompts, SampleContent Content) Run(StepPlanner planner, Func<StepPrompt, string> model)
    {
        var prompts = new List<StepPrompt>();
        var done = new List<StepOutput>();
        while (planner.Next(done) is { } prompt)
        {
            Assert.True(done.Count < 100, "the planner never finished");
            Assert.Equal(done.Count, prompt.StepIndex);
            prompts.Add(prompt);
            done.Add(new StepOutput(prompt.Step, model(prompt)));
        }
        return (prompts, planner.Assemble(done));
    }

    [Fact]
    public void Dialogue_turns_alternate_starting_with_the_user_and_each_sees_the_earlier_ones()
    {
        var planner = new DialoguePlanner(Preamble(TaskType.Dialogue), turns: 5);
        var (prompts, content) = Run(planner, p => p.StepIndex % 2 == 0 ? $"User: question {p.StepIndex}" : $"answer {p.StepIndex}");

        Assert.Equal(5, prompts.Count);
        Assert.Equal(["user", "assistant", "user", "assistant", "user"], content.Turns.Select(t => t.Role));
        Assert.Equal(["question 0", "answer 1", "question 2", "answer 3", "question 4"], content.Turns.Select(t => t.Text));
        Assert.Contains("opening message, by the user", prompts[0].Text);
        Assert.Contains("by the assistant", prompts[1].Text);
        Assert.Contains("[user] question 0", prompts[1].Text);
        Assert.Contains("[assistant] answer 3", prompts[4].Text);
        Assert.Contains("it is the last one", prompts[4].Text);
        Assert.All(prompts, p => Assert.StartsWith("One sample is: Data for the test.", p.Text));
        Assert.All(prompts, p => Assert.Equal("builtin:dialogue-turn/v2", p.TemplateId));
        Assert.Equal(5, prompts.Select(p => p.PromptHash).Distinct().Count());
    }

    [Fact]
    public void Dialogue_length_is_drawn_within_the_spec_and_fixed_per_request()
    {
        var spec = new DialogueSpec { MinTurns = 2, MaxTurns = 6 };
        var lengths = Enumerable.Range(0, 2000).Select(i => DialoguePlanner.TurnCount(spec, seed: 1, i)).ToList();
        Assert.All(lengths, n => Assert.InRange(n, 2, 6));
        Assert.Equal([2, 3, 4, 5, 6], lengths.Distinct().Order());
        Assert.Equal(lengths[17], DialoguePlanner.TurnCount(spec, seed: 1, 17));
        Assert.Throws<StepOutputException>(() => Run(new DialoguePlanner(Preamble(TaskType.Dialogue), 2), _ => "  "));
    }

    [Fact]
    public void Chain_of_thought_asks_for_the_rationale_before_the_answer_and_conditions_the_answer_on_it()
    {
        var planner = new ChainOfThoughtPlanner(Preamble(TaskType.Reasoning), TaskType.Reasoning);
        var (prompts, content) = Run(planner, p => p.Step switch
        {
            ChainOfThoughtPlanner.QuestionStep => "A train leaves at 3pm and travels 2 hours. When does it arrive?",
            ChainOfThoughtPlanner.RationaleStep => "It leaves at 3pm; 3 + 2 = 5.",
            _ => "5pm",
        });

        Assert.Equal(["question", "rationale", "answer"], prompts.Select(p => p.Step));
        Assert.DoesNotContain("Reasoning:", prompts[1].Text);
        Assert.Contains("Question: A train leaves at 3pm", prompts[1].Text);
        Assert.Contains("Reasoning: It leaves at 3pm; 3 + 2 = 5.", prompts[2].Text);
        Assert.Equal("It leaves at 3pm; 3 + 2 = 5.", content.Rationale);
        Assert.Equal("5pm", content.Answer);
        Assert.Equal("A train leaves at 3pm and travels 2 hours. When does it arrive?", content.Question);
    }

    [Fact]
    public void Chain_of_thought_over_a_given_passage_skips_the_question_step_or_writes_one()
    {
        var given = new ChainOfThoughtPlanner(Preamble(TaskType.QuestionAnswering), TaskType.QuestionAnswering,
            new SampleContent { Context = "The Nile flows north.", Question = "Which way does the Nile flow?" });
        Assert.Equal(["rationale", "answer"], given.Steps);
        var (prompts, content) = Run(given, p => p.Step == "rationale" ? "The passage says north." : "North");
        Assert.Contains("Passage: The Nile flows north.", prompts[0].Text);
        Assert.Equal("The Nile flows north.", content.Context);
        Assert.Equal("North", content.Answer);

        var written = new ChainOfThoughtPlanner(Preamble(TaskType.QuestionAnswering), TaskType.QuestionAnswering);
        var (_, qa) = Run(written, p => p.Step switch
        {
            "question" => "Passage: Bees make honey.\nQuestion: What do bees make?",
            "rationale" => "The passage says honey.",
            _ => "Honey",
        });
        Assert.Equal("Bees make honey.", qa.Context);
        Assert.Equal("What do bees make?", qa.Question);

        var broken = new ChainOfThoughtPlanner(Preamble(TaskType.QuestionAnswering), TaskType.QuestionAnswering);
        var error = Assert.Throws<StepOutputException>(() => Run(broken, _ => "no markers here"));
        Assert.Equal("question", error.Step);
        Assert.Equal("no markers here", error.Raw);
    }

    [Fact]
    public void Sections_come_after_the_outline_each_seeing_the_outline_and_the_sections_before()
    {
        var planner = new OutlinePlanner(Preamble(TaskType.InstructionResponse), new OutlineSpec { MinSections = 2, MaxSections = 3 });
        var (prompts, content) = Run(planner, p => p.Step == OutlinePlanner.OutlineStep
            ? "```json\n{\"instruction\": \"Explain composting.\", \"sections\": [\"Why\", \"How\", \"Pitfalls\", \"Extra\"]}\n```"
            : $"text of {p.Step}");

        Assert.Equal(["outline", "section-1", "section-2", "section-3"], prompts.Select(p => p.Step));
        Assert.All(prompts.Skip(1), p => Assert.Contains("1. Why\n2. How\n3. Pitfalls", p.Text));
        Assert.DoesNotContain("Extra", prompts[1].Text);
        Assert.DoesNotContain("Sections written so far", prompts[1].Text);
        Assert.Contains("## Why\ntext of section-1\n## How\ntext of section-2", prompts[3].Text);
        Assert.Contains("Write only section 3, \"Pitfalls\"", prompts[3].Text);
        Assert.Equal("Explain composting.", content.Instruction);
        Assert.Equal("## Why\n\ntext of section-1\n\n## How\n\ntext of section-2\n\n## Pitfalls\n\ntext of section-3", content.Response);
        Assert.Equal("builtin:outline-sections-section/v2", prompts[2].TemplateId);
    }

    [Fact]
    public void An_outline_with_too_few_sections_is_a_step_failure()
    {
        var planner = new OutlinePlanner(Preamble(TaskType.InstructionResponse), new OutlineSpec { MinSections = 3, MaxSections = 5 });
        var error = Assert.Throws<StepOutputException>(() => planner.Next([new StepOutput("outline", """{"instruction": "x", "sections": ["a"]}""")]));
        Assert.Contains("fewer than 3", error.Reason);
        Assert.Throws<StepOutputException>(() => planner.Next([new StepOutput("outline", "not json")]));
    }

    [Fact]
    public void Annotation_is_one_step_that_labels_the_input()
    {
        var task = new TaskSpec
        {
            Type = TaskType.TextClassification,
            DataDescription = "A review.",
            Labels = [new LabelSpec { Name = "positive", Description = "good" }, new LabelSpec { Name = "negative", Description = "bad" }],
        };
        var planner = new AnnotationPlanner(new PromptInputs { Task = task, Input = new SampleContent { Text = "Love it." } });
        var (prompts, content) = Run(planner, _ => "```json\n{\"label\": \"positive\"}\n```");
        var prompt = Assert.Single(prompts);
        Assert.Equal("builtin:annotation/v2", prompt.TemplateId);
        Assert.Contains("Love it.", prompt.Text);
        Assert.Equal("Love it.", content.Text);
        Assert.Equal("positive", content.Label);

        var refusing = new AnnotationPlanner(new PromptInputs { Task = task, Input = new SampleContent { Text = "Love it." } });
        Assert.StartsWith("refusal", Assert.Throws<StepOutputException>(() => Run(refusing, _ => "I'm sorry, I can't.")).Reason);
    }
}
