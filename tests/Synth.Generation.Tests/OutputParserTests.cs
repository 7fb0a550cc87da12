using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;
using Synth.Generation.Parsing;

namespace Synth.Generation.Tests;

public sealed class OutputParserTests
{
    private static readonly TaskSpec Classification = new()
    {
        Type = TaskType.TextClassification,
        DataDescription = "A review.",
        Labels = [new LabelSpec { Name = "positive", Description = "good" }, new LabelSpec { Name = "negative", Description = "bad" }],
    };

    private const string Three = """[{"text": "Great blender.", "label": "positive"}, {"text": "Too loud.", "label": "negative"}, {"text": "Works.", "label": "Positive"}]""";

    private static void AssertAddsUp(ParseResult result, int items)
    {
        Assert.Equal(items, result.Drafts.Count + result.Failures.Count);
        Assert.Equal(items, result.ItemsSeen);
    }

    [Fact]
    public void A_clean_array_gives_one_draft_per_item_with_labels_normalised()
    {
        var result = OutputParser.Parse(Three, Classification);
        AssertAddsUp(result, 3);
        Assert.Empty(result.Failures);
        Assert.Empty(result.Repairs);
        Assert.Equal(["Great blender.", "Too loud.", "Works."], result.Drafts.Select(d => d.Content.Text));
        Assert.Equal("positive", result.Drafts[2].Content.Label);
        Assert.Equal([0, 1, 2], result.Drafts.Select(d => d.ItemIndex));
    }

    [Fact]
    public void A_single_object_and_a_samples_wrapper_are_both_accepted()
    {
        var single = OutputParser.Parse("""{"text": "Fine.", "label": "positive"}""", Classification);
        Assert.Single(single.Drafts);
        var wrapped = OutputParser.Parse("{\"samples\": " + Three + "}", Classification);
        AssertAddsUp(wrapped, 3);
        Assert.Equal(3, wrapped.Drafts.Count);
    }

    [Fact]
    public void Code_fences_and_surrounding_prose_are_stripped()
    {
        var result = OutputParser.Parse("Sure! Here are the samples:\n```json\n" + Three + "\n```\nLet me know if you need more.", Classification);
        Assert.Equal(3, result.Drafts.Count);
        Assert.Contains("code-fence", result.Repairs);

        var prose = OutputParser.Parse("Here are 3 reviews [as asked]:\n" + Three + "\nThanks!", Classification);
        Assert.Equal(3, prose.Drafts.Count);
        Assert.Contains("leading-prose", prose.Repairs);
        Assert.Contains("trailing-text", prose.Repairs);
    }

    [Fact]
    public void Trailing_commas_single_quotes_and_bare_keys_are_repaired()
    {
        var result = OutputParser.Parse("[{'text': 'It\\'s \"great\"', label: 'positive',}, {\"text\": \"Meh.\", \"label\": \"negative\",},]", Classification);
        AssertAddsUp(result, 2);
        Assert.Equal("It's \"great\"", result.Drafts[0].Content.Text);
        Assert.Contains("trailing-comma", result.Repairs);
        Assert.Contains("single-quotes", result.Repairs);
        Assert.Contains("unquoted-key", result.Repairs);
    }

    [Fact]
    public void A_truncated_array_keeps_its_complete_items_and_reports_the_cut_one()
    {
        var text = """[{"text": "One.", "label": "positive"}, {"text": "Two.", "label": "negative"}, {"text": "Thr""";
        var result = OutputParser.Parse(text, Classification);
        AssertAddsUp(result, 3);
        Assert.True(result.Truncated);
        Assert.Contains("truncated", result.Repairs);
        Assert.Equal(2, result.Drafts.Count);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(2, failure.ItemIndex);
        Assert.StartsWith("truncated", failure.Reason);
        Assert.Equal("""{"text": "Thr""", failure.Raw);
        Assert.Equal(text, result.RawText);
    }

    [Fact]
    public void Truncation_between_items_or_inside_a_wrapper_or_fence_loses_nothing_complete()
    {
        var between = OutputParser.Parse("""[{"text": "One.", "label": "positive"},""", Classification);
        Assert.True(between.Truncated);
        AssertAddsUp(between, 1);
        Assert.Single(between.Drafts);

        var wrapped = OutputParser.Parse("```json\n{\"samples\": [{\"text\": \"One.\", \"label\": \"positive\"}, {\"text\": \"Two\", \"lab", Classification);
        Assert.True(wrapped.Truncated);
        AssertAddsUp(wrapped, 2);
        Assert.Single(wrapped.Drafts);
        Assert.Equal(1, wrapped.Failures[0].ItemIndex);

        var literal = OutputParser.Parse("""[{"text": "One.", "label": "positive"}, {"text": "Two.", "label": "negative", "sure": tr""", Classification);
        AssertAddsUp(literal, 2);
        Assert.True(literal.Truncated);
    }

    [Fact]
    public void A_truncated_single_object_is_a_failure_with_its_text()
    {
        var result = OutputParser.Parse("""{"text": "All fields are here", "label": "positive", "note": "but it was c""", Classification);
        Assert.True(result.Truncated);
        Assert.Empty(result.Drafts);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(0, failure.ItemIndex);
        Assert.Contains("but it was c", failure.Raw);
    }

    [Theory]
    [InlineData("I'm sorry, but I can't help with writing those reviews.")]
    [InlineData("I cannot create that content.")]
    [InlineData("  As an AI language model, I won't do that.")]
    [InlineData("I’m unable to comply with this request.")]
    public void Refusals_are_recognised_and_kept_as_one_failure(string text)
    {
        var result = OutputParser.Parse(text, Classification);
        Assert.True(result.Refused);
        Assert.Empty(result.Drafts);
        var failure = Assert.Single(result.Failures);
        Assert.Null(failure.ItemIndex);
        Assert.StartsWith("refusal", failure.Reason);
        Assert.Equal(text, failure.Raw);
    }

    [Fact]
    public void Text_without_json_is_one_failure_and_not_a_refusal()
    {
        var result = OutputParser.Parse("The weather is nice today.", Classification);
        Assert.False(result.Refused);
        Assert.StartsWith("no JSON", Assert.Single(result.Failures).Reason);

        var garbage = OutputParser.Parse("[{\"text\": \"x\" \"label\": 1}]", Classification);
        Assert.Contains("expected ','", Assert.Single(garbage.Failures).Reason);

        var deep = OutputParser.Parse(new string('[', 100_000), Classification);
        Assert.Contains("nested deeper than 64 levels", Assert.Single(deep.Failures).Reason);

        var empty = OutputParser.Parse("[]", Classification);
        Assert.Equal("the answer holds no samples", Assert.Single(empty.Failures).Reason);
    }

    [Fact]
    public void Invalid_items_become_failures_with_reasons_and_counts_add_up()
    {
        var text = """
            [
              {"text": "Good.", "label": "positive"},
              {"text": "No label."},
              {"text": "Odd.", "label": "neutral"},
              "just a string",
              {"text": {"nested": true}, "label": "negative"},
              {"text": "Bad.", "label": "negative"}
            ]
            """;
        var result = OutputParser.Parse(text, Classification);
        AssertAddsUp(result, 6);
        Assert.Equal([0, 5], result.Drafts.Select(d => d.ItemIndex));
        Assert.Equal([1, 2, 3, 4], result.Failures.Select(f => f.ItemIndex!.Value));
        Assert.Equal("missing required field 'label'", result.Failures[0].Reason);
        Assert.Equal("label 'neutral' is not one of positive, negative", result.Failures[1].Reason);
        Assert.StartsWith("item is not a JSON object", result.Failures[2].Reason);
        Assert.Equal("field 'text' is not a string", result.Failures[3].Reason);
        Assert.Contains("No label.", result.Failures[0].Raw);
    }

    [Fact]
    public void Dialogue_turns_must_alternate_starting_with_the_user()
    {
        var task = new TaskSpec { Type = TaskType.Dialogue, DataDescription = "A support chat." };
        var result = OutputParser.Parse("""
            [{"turns": [{"role": "user", "text": "Hi"}, {"role": "assistant", "content": "Hello!"}]},
             {"turns": [{"role": "assistant", "text": "Hi"}, {"role": "user", "text": "Hello"}]},
             {"turns": [{"role": "user", "text": "Only me"}]}]
            """, task);
        AssertAddsUp(result, 3);
        Assert.Equal(["user", "assistant"], result.Drafts[0].Content.Turns.Select(t => t.Role));
        Assert.Equal("Hello!", result.Drafts[0].Content.Turns[1].Text);
        Assert.Contains("should be by 'user'", result.Failures[0].Reason);
        Assert.Equal("a dialogue needs at least 2 turns", result.Failures[1].Reason);
    }

    [Fact]
    public void Annotation_keeps_the_inputs_fields_and_takes_only_the_missing_ones()
    {
        var input = new SampleContent { Text = "Broke after a week." };
        var result = OutputParser.Parse("""{"label": "NEGATIVE", "text": "a rewritten text"}""", Classification, input);
        var draft = Assert.Single(result.Drafts).Content;
        Assert.Equal("Broke after a week.", draft.Text);
        Assert.Equal("negative", draft.Label);
    }

    [Fact]
    public void Numbers_in_string_fields_are_taken_as_their_text()
    {
        var task = new TaskSpec { Type = TaskType.Reasoning, DataDescription = "Maths." };
        var result = OutputParser.Parse("""{"question": "2+2?", "rationale": "Add.", "answer": 4}""", task);
        Assert.Equal("4", Assert.Single(result.Drafts).Content.Answer);
    }
}
