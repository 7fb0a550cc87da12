using System.Text;
using System.Text.Json.Nodes;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Parsing;
using Synth.Generation.Prompts;

namespace Synth.Generation.Strategies;

/// <summary>Long text by outline then sections: an instruction and its outline, then each section conditioned on the outline and the sections before it.</summary>
public sealed class OutlinePlanner : StepPlanner
{
    public const string OutlineStep = "outline";

    private readonly OutlineSpec _spec;

    public OutlinePlanner(RenderedPrompt preamble, OutlineSpec spec) : base(preamble)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
    }

    public override string Strategy => "outline-sections";

    public override StepPrompt? Next(IReadOnlyList<StepOutput> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        if (done.Count == 0)
        {
            return Prompt(0, OutlineStep,
                $"Write one instruction a user might give, whose ideal response is a long text, and outline that response as " +
                $"{_spec.MinSections} to {_spec.MaxSections} section titles. Reply with only JSON: " +
                """{"instruction": "...", "sections": ["...", "..."]}""");
        }
        var (instruction, sections) = Outline(done[0]);
        if (done.Count > sections.Count)
        {
            return null;
        }
        var section = done.Count;
        var prompt = new StringBuilder();
        prompt.AppendLine($"Instruction: {instruction}");
        prompt.AppendLine("Outline of the response:");
        for (var i = 0; i < sections.Count; i++)
        {
            prompt.AppendLine($"{i + 1}. {sections[i]}");
        }
        if (section > 1)
        {
            prompt.AppendLine();
            prompt.AppendLine("Sections written so far:");
            for (var i = 1; i < section; i++)
            {
                prompt.AppendLine($"## {sections[i - 1]}");
                prompt.AppendLine(Clean(done[i]));
            }
        }
        prompt.AppendLine();
        prompt.Append($"Write only section {section}, \"{sections[section - 1]}\", continuing from the sections before it. Reply with only its text, without its title.");
        return Prompt(section, $"section-{section}", prompt.ToString());
    }

    public override SampleContent Assemble(IReadOnlyList<StepOutput> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        if (done.Count == 0)
        {
            throw new InvalidOperationException("the outline step has not been answered");
        }
        var (instruction, sections) = Outline(done[0]);
        RequireDone(done, sections.Count + 1);
        return new SampleContent
        {
            Instruction = instruction,
            Input = "",
            Response = string.Join("\n\n", sections.Select((title, i) => $"## {title}\n\n{Clean(done[i + 1])}")),
        };
    }

    /// <summary>The outline's instruction and section titles; more than the most allowed are cut to it, fewer than the least fail.</summary>
    public (string Instruction, IReadOnlyList<string> Sections) Outline(StepOutput outline)
    {
        ArgumentNullException.ThrowIfNull(outline);
        var start = outline.Text.IndexOf('{');
        JsonObject? obj = null;
        if (start >= 0)
        {
            try
            {
                obj = LenientJson.Read(outline.Text, start).Root as JsonObject;
            }
            catch (LenientJsonException)
            {
                obj = null;
            }
        }
        var instruction = obj?["instruction"] is JsonValue i ? i.ToString().Trim() : "";
        var sections = (obj?["sections"] as JsonArray ?? [])
            .OfType<JsonValue>()
            .Select(s => s.ToString().Trim())
            .Where(s => s.Length > 0)
            .ToList();
        if (instruction.Length == 0)
        {
            throw new StepOutputException(OutlineStep, "no instruction in the outline", outline.Text);
        }
        if (sections.Count < _spec.MinSections)
        {
            throw new StepOutputException(OutlineStep, $"the outline has {sections.Count} sections, fewer than {_spec.MinSections}", outline.Text);
        }
        return (instruction, sections.Take(_spec.MaxSections).ToList());
    }
}
