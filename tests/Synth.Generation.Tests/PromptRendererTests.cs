using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Demonstrations;
using Synth.Generation.Prompts;

namespace Synth.Generation.Tests;

public sealed class PromptRendererTests
{
    private static TaskSpec Task(TaskType type) => new()
    {
        Type = type,
        Role = "an online shopper writing honest reviews",
        Purpose = "train a sentiment classifier",
        DataDescription = "One customer review of a consumer product, in English.",
        Labels = type == TaskType.TextClassification
            ? [new LabelSpec { Name = "positive", Description = "Satisfied overall." }, new LabelSpec { Name = "negative", Description = "Warns others off." }]
            : [],
    };

    private static PromptInputs Inputs(TaskType type) => new()
    {
        Task = Task(type),
        Conditions = new Dictionary<string, string> { ["length"] = "two sentences", ["product"] = "kitchen/blenders" },
        Demos = [new Demonstration("demo-1", new SampleContent { Text = "Loud but strong.", Label = "positive" }, [1f])],
        Knowledge = ["Blenders over 1000 W crush ice."],
        SampleCount = 3,
    };

    [Theory]
    [InlineData(TaskType.TextClassification, "\"label\"")]
    [InlineData(TaskType.InstructionResponse, "\"instruction\"")]
    [InlineData(TaskType.QuestionAnswering, "\"context\"")]
    [InlineData(TaskType.Dialogue, "\"turns\"")]
    [InlineData(TaskType.Reasoning, "\"rationale\"")]
    public void Every_task_type_renders_task_conditions_demos_and_knowledge(TaskType type, string outputField)
    {
        var prompt = PromptRenderer.Render(Inputs(type));
        var text = prompt.Text;
        Assert.Contains("Suppose you are an online shopper writing honest reviews.", text);
        Assert.Contains("Purpose of the data: train a sentiment classifier", text);
        Assert.Contains("One sample is: One customer review of a consumer product, in English.", text);
        Assert.Contains("- Blenders over 1000 W crush ice.", text);
        Assert.Contains("- length: two sentences", text);
        Assert.Contains("- product: kitchen/blenders", text);
        Assert.Contains("""{"text":"Loud but strong.","label":"positive"}""", text);
        Assert.Contains("JSON array of 3 objects", text);
        Assert.Contains(outputField, text);
        Assert.DoesNotContain("{{", text);
        Assert.Equal($"builtin:{TaskTypeNames.Kebab(type)}/v2", prompt.TemplateId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), prompt.PromptHash);
    }

    [Fact]
    public void A_class_conditional_request_asks_for_its_label_in_the_task_and_not_as_a_condition()
    {
        var inputs = Inputs(TaskType.TextClassification);
        var text = PromptRenderer.Render(inputs with { Conditions = new Dictionary<string, string>(inputs.Conditions) { [ClassConditioning.Dimension] = "negative" } }).Text;

        Assert.Contains("the label of every sample is \"negative\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("- label: negative", text, StringComparison.Ordinal);
        Assert.Contains("- length: two sentences", text, StringComparison.Ordinal);

        var unconditioned = PromptRenderer.Render(Inputs(TaskType.TextClassification)).Text;
        Assert.Contains("the label is one of:", unconditioned, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_prompts_list_labels_with_descriptions()
    {
        var text = PromptRenderer.Render(Inputs(TaskType.TextClassification)).Text;
        Assert.Contains("- positive: Satisfied overall.", text);
        Assert.Contains("- negative: Warns others off.", text);
    }

    [Fact]
    public void Optional_parts_are_left_out_cleanly()
    {
        var bare = new PromptInputs { Task = new TaskSpec { Type = TaskType.Reasoning, DataDescription = "A grade-school maths word problem." } };
        var text = PromptRenderer.Render(bare).Text;
        Assert.StartsWith("One sample is: A grade-school maths word problem.", text);
        Assert.DoesNotContain("Suppose", text);
        Assert.DoesNotContain("conditions", text);
        Assert.DoesNotContain("Examples", text);
        Assert.DoesNotContain("\n\n\n", text);
    }

    [Fact]
    public void The_hash_is_stable_and_follows_the_content()
    {
        var a = PromptRenderer.Render(Inputs(TaskType.TextClassification));
        var b = PromptRenderer.Render(Inputs(TaskType.TextClassification));
        Assert.Equal(a.PromptHash, b.PromptHash);
        var other = PromptRenderer.Render(Inputs(TaskType.TextClassification) with { Conditions = new Dictionary<string, string> { ["length"] = "one line" } });
        Assert.NotEqual(a.PromptHash, other.PromptHash);
        Assert.Equal(64, a.PromptHash.Length);
    }

    [Fact]
    public void A_scriban_override_replaces_the_built_in()
    {
        var template = new TemplateSpec { Text = "You are {{ task.role }}. Write {{ n }}:{{ for c in conditions }} {{ c.name }}={{ c.value }}{{ end }}" };
        var prompt = PromptRenderer.Render(Inputs(TaskType.TextClassification), template);
        Assert.Equal("You are an online shopper writing honest reviews. Write 3: length=two sentences product=kitchen/blenders", prompt.Text);
        Assert.StartsWith("override:", prompt.TemplateId);
        Assert.Equal(PromptRenderer.Render(Inputs(TaskType.TextClassification), template).TemplateId, prompt.TemplateId);
    }

    [Fact]
    public void A_liquid_override_renders_in_liquid_syntax()
    {
        var template = new TemplateSpec
        {
            Language = TemplateLanguage.Liquid,
            Text = "{% for l in task.labels %}{{ l.name | upcase }}{% unless forloop.last %}, {% endunless %}{% endfor %} for {{ task.data_description | downcase }}",
        };
        var prompt = PromptRenderer.Render(Inputs(TaskType.TextClassification), template);
        Assert.Equal("POSITIVE, NEGATIVE for one customer review of a consumer product, in english.", prompt.Text);
    }

    [Fact]
    public void A_misspelt_variable_or_bad_syntax_in_an_override_fails_loudly()
    {
        Assert.Throws<PromptTemplateException>(() => PromptRenderer.Render(Inputs(TaskType.Dialogue), new TemplateSpec { Text = "{{ task.rol }} {{ nope }}" }));
        Assert.Throws<PromptTemplateException>(() => PromptRenderer.Render(Inputs(TaskType.Dialogue), new TemplateSpec { Text = "{{ for x in }}" }));
        Assert.Throws<ArgumentException>(() => PromptRenderer.Render(Inputs(TaskType.Dialogue), new TemplateSpec { File = "t.sbn" }));
    }

    [Fact]
    public void Annotation_shows_the_input_and_asks_only_for_what_it_lacks()
    {
        var inputs = Inputs(TaskType.TextClassification) with { Input = new SampleContent { Text = "Broke after a week." }, Demos = [] };
        var prompt = PromptRenderer.Render(inputs);
        Assert.Equal("builtin:annotation/v2", prompt.TemplateId);
        Assert.Contains("""{"text":"Broke after a week."}""", prompt.Text);
        Assert.Contains("Complete it with the fields label.", prompt.Text);
        Assert.Contains("- negative: Warns others off.", prompt.Text);

        var qa = new PromptInputs { Task = Task(TaskType.QuestionAnswering), Input = new SampleContent { Context = "The Nile is long." } };
        Assert.Contains("Complete it with the fields question, answer.", PromptRenderer.Render(qa).Text);
    }

    [Fact]
    public void Output_schemas_name_the_required_fields_and_the_label_set()
    {
        var schema = OutputSchemas.ForSample(Task(TaskType.TextClassification));
        Assert.Equal(["text", "label"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["positive", "negative"], schema["properties"]!["label"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));

        var request = OutputSchemas.ForRequest(Task(TaskType.Dialogue), 4);
        Assert.Equal(4, request["properties"]!["samples"]!["minItems"]!.GetValue<int>());
        Assert.Equal("array", request["properties"]!["samples"]!["items"]!["properties"]!["turns"]!["type"]!.GetValue<string>());

        var custom = Task(TaskType.Reasoning);
        custom.OutputSchema = """{"type":"object","properties":{"q":{"type":"string"}}}""";
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(custom.OutputSchema), OutputSchemas.ForSample(custom)));
    }
}
