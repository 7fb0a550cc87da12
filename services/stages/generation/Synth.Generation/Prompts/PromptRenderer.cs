using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Scriban;
using Scriban.Runtime;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Demonstrations;

namespace Synth.Generation.Prompts;

/// <summary>Renders prompts from the built-in templates, or a user's Scriban or Liquid override.</summary>
public static partial class PromptRenderer
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        // A prompt is read by a model, not embedded in HTML: apostrophes and accents stay as written.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly ConcurrentDictionary<(string Source, TemplateLanguage Language), Template> ParsedTemplates = new();

    /// <summary>
    /// The prompt for one request. <paramref name="userOverride"/> (the spec's template for the task type) replaces the
    /// built-in; its file must already be read into <see cref="TemplateSpec.Text"/>, since this library does no I/O.
    /// </summary>
    public static RenderedPrompt Render(PromptInputs inputs, TemplateSpec? userOverride = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var annotation = inputs.Input is not null;
        if (userOverride is not null)
        {
            var text = userOverride.Text
                ?? throw new ArgumentException("read the override's file into Text before rendering", nameof(userOverride));
            return Render(text, userOverride.Language, "override:" + Hash(text)[..16], inputs);
        }
        return Render(BuiltInTemplates.Text(inputs.Task.Type, annotation), TemplateLanguage.Scriban, BuiltInTemplates.Id(inputs.Task.Type, annotation), inputs);
    }

    /// <summary>Only the shared preamble (task, knowledge, conditions, demos): multi-step strategies append their step to it.</summary>
    public static RenderedPrompt RenderPreamble(PromptInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Render(BuiltInTemplates.Preamble, TemplateLanguage.Scriban, $"builtin:preamble/{BuiltInTemplates.Version}", inputs);
    }

    /// <summary>SHA-256 of the UTF-8 text, lower-case hex.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static RenderedPrompt Render(string source, TemplateLanguage language, string templateId, PromptInputs inputs)
    {
        // Parsed once per text: parsing costs more than rendering, and a parsed template renders concurrently (each
        // render has its own context). The texts are the built-ins and one override per job, so the cache stays small.
        var template = ParsedTemplates.GetOrAdd((source, language), key => key.Language == TemplateLanguage.Liquid ? Template.ParseLiquid(key.Source) : Template.Parse(key.Source));
        if (template.HasErrors)
        {
            throw new PromptTemplateException($"template {templateId} does not parse: {string.Join("; ", template.Messages)}");
        }
        var context = language == TemplateLanguage.Liquid ? new LiquidTemplateContext() : new TemplateContext();
        // A misspelt variable in an override must fail loudly, not render as an empty string.
        context.StrictVariables = true;
        context.PushGlobal(Globals(inputs));
        string rendered;
        try
        {
            rendered = template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new PromptTemplateException($"template {templateId} does not render: {e.Message}");
        }
        var text = Normalise(rendered);
        return new RenderedPrompt(text, templateId, Hash(text));
    }

    private static ScriptObject Globals(PromptInputs inputs)
    {
        var task = inputs.Task;
        var labels = new ScriptArray(task.Labels.Select(l => new ScriptObject { ["name"] = l.Name, ["description"] = l.Description }));
        // The class-conditional label is asked for in the task's own words, not as one more condition.
        var askedLabel = task.Type == TaskType.TextClassification && task.LabelShares != LabelShares.Off
            && inputs.Conditions.TryGetValue(ClassConditioning.Dimension, out var label) ? label : null;
        var shownConditions = inputs.Conditions.Where(c => askedLabel is null || c.Key != ClassConditioning.Dimension).ToList();
        var conditions = new ScriptArray(shownConditions.Select(c => new ScriptObject { ["name"] = c.Key, ["value"] = c.Value }));
        var demos = new ScriptArray(inputs.Demos.Select(d => new ScriptObject { ["id"] = d.Id, ["text"] = d.PromptText }));
        var globals = new ScriptObject
        {
            ["task"] = new ScriptObject
            {
                ["type"] = TaskTypeNames.Kebab(task.Type),
                ["role"] = task.Role,
                ["purpose"] = task.Purpose,
                ["data_description"] = task.DataDescription,
                ["labels"] = labels,
            },
            ["conditions"] = conditions,
            ["asked_label"] = askedLabel,
            ["demos"] = demos,
            ["knowledge"] = new ScriptArray(inputs.Knowledge),
            ["n"] = inputs.SampleCount,
            ["input"] = inputs.Input is null ? null : InputJson(inputs.Input),
            ["missing_fields"] = new ScriptArray(inputs.Input is null ? [] : MissingFields(task.Type, inputs.Input)),
            ["schema"] = OutputSchemas.ForSample(task).ToJsonString(JsonOptions),
            ["has_role"] = !string.IsNullOrWhiteSpace(task.Role),
            ["has_purpose"] = !string.IsNullOrWhiteSpace(task.Purpose),
            ["has_labels"] = task.Labels.Count > 0,
            ["has_knowledge"] = inputs.Knowledge.Count > 0,
            ["has_conditions"] = shownConditions.Count > 0,
            ["has_demos"] = inputs.Demos.Count > 0,
        };
        return globals;
    }

    private static string InputJson(SampleContent input)
    {
        var node = JsonSerializer.SerializeToNode(input, JsonOptions)!.AsObject();
        if (input.Turns.Count == 0)
        {
            node.Remove("turns");
        }
        return node.ToJsonString(JsonOptions);
    }

    /// <summary>The task type's required fields the input does not already have: what annotation asks the model for.</summary>
    internal static IReadOnlyList<string> MissingFields(TaskType type, SampleContent input) =>
        OutputSchemas.RequiredFields(type).Where(f => !ContentFields.Has(input, f)).ToList();

    // Line endings and runs of blank lines left by template tags are not part of the prompt's meaning; normalising
    // them keeps the hash stable across platforms and template whitespace.
    private static string Normalise(string text) =>
        BlankRuns().Replace(text.ReplaceLineEndings("\n"), "\n\n").Trim();

    [GeneratedRegex(@"\n[ \t]*(\n[ \t]*)+\n")]
    private static partial Regex BlankRuns();
}
