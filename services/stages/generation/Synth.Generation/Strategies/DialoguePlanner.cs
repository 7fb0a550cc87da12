using System.Text;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>A conversation built message by message: the model alternates user and assistant, user first.</summary>
public sealed class DialoguePlanner : StepPlanner
{
    public const string User = "user";
    public const string Assistant = "assistant";

    private readonly int _turns;

    public DialoguePlanner(RenderedPrompt preamble, int turns) : base(preamble)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(turns, 2);
        _turns = turns;
    }

    public override string Strategy => "dialogue";

    public int Turns => _turns;

    /// <summary>Messages in a conversation: drawn evenly from [min, max] by (seed, request index), so a rerun plans the same length.</summary>
    public static int TurnCount(DialogueSpec spec, int seed, long requestIndex)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var span = spec.MaxTurns - spec.MinTurns + 1;
        return spec.MinTurns + (int)(StableRandom.Uniform(seed, requestIndex, "dialogue-turns") * span);
    }

    public static string RoleOf(int turn) => turn % 2 == 0 ? User : Assistant;

    public override StepPrompt? Next(IReadOnlyList<StepOutput> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        if (done.Count >= _turns)
        {
            return null;
        }
        var role = RoleOf(done.Count);
        var instruction = new StringBuilder();
        if (done.Count == 0)
        {
            instruction.AppendLine($"Write one conversation of {_turns} messages, one message at a time. Write its opening message, by the user.");
        }
        else
        {
            instruction.AppendLine($"Here is a conversation so far ({done.Count} of {_turns} messages):");
            for (var i = 0; i < done.Count; i++)
            {
                instruction.AppendLine($"[{RoleOf(i)}] {Message(done[i])}");
            }
            instruction.AppendLine($"Write the next message, by the {role}{(done.Count == _turns - 1 ? "; it is the last one" : "")}.");
        }
        instruction.Append("Reply with only the text of that message.");
        return Prompt(done.Count, $"turn-{done.Count + 1}", instruction.ToString());
    }

    public override SampleContent Assemble(IReadOnlyList<StepOutput> done)
    {
        RequireDone(done, _turns);
        return new SampleContent
        {
            Turns = done.Select((output, i) => new DialogueTurn { Role = RoleOf(i), Text = Message(output) }).ToList(),
        };
    }

    // Models often echo a speaker tag ("Assistant: …", "[user] …"); the role is ours to assign.
    private static string Message(StepOutput output)
    {
        var text = Clean(output);
        foreach (var tag in new[] { "[user]", "[assistant]", "user:", "assistant:" })
        {
            if (text.StartsWith(tag, StringComparison.OrdinalIgnoreCase))
            {
                text = text[tag.Length..].Trim();
                break;
            }
        }
        return text.Length > 0 ? text : throw new StepOutputException(output.Step, "empty message", output.Text);
    }
}
