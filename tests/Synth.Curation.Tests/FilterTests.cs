using Synth.Contracts.Samples;
using Synth.Curation.Filters;

namespace Synth.Curation.Tests;

public sealed class FilterTests
{
    private static FilterSample Text(string text, string? label = "positive") =>
        new("s-1", TaskType.TextClassification, new SampleContent { Text = text, Label = label });

    [Fact]
    public void Schema_accepts_a_complete_sample_with_a_known_label()
    {
        var result = new SchemaFilter(["negative", "positive"]).Evaluate(Text("Great food."));
        Assert.True(result.Passed);
        Assert.Equal(1, result.Score);
    }

    [Fact]
    public void Schema_rejects_a_label_outside_the_label_set_and_names_the_set()
    {
        var result = new SchemaFilter(["negative", "positive"]).Evaluate(Text("Great food.", "Positive"));
        Assert.False(result.Passed);
        Assert.Equal(0, result.Score);
        Assert.Equal("label 'Positive' is not in the label set [negative, positive]", result.Reason);
    }

    [Fact]
    public void Schema_names_every_missing_field_of_the_task_type()
    {
        var sample = new FilterSample("s-2", TaskType.QuestionAnswering, new SampleContent { Context = "A passage.", Question = " " });
        var result = new SchemaFilter([]).Evaluate(sample);
        Assert.False(result.Passed);
        Assert.Equal("missing question, answer for a question-answering sample", result.Reason);
    }

    [Fact]
    public void Schema_requires_two_dialogue_turns_with_role_and_text()
    {
        var one = new FilterSample("d-1", TaskType.Dialogue, new SampleContent { Turns = [new DialogueTurn { Role = "user", Text = "Hi" }] });
        var blank = new FilterSample("d-2", TaskType.Dialogue, new SampleContent
        {
            Turns = [new DialogueTurn { Role = "user", Text = "Hi" }, new DialogueTurn { Role = "assistant", Text = "" }],
        });
        var schema = new SchemaFilter([]);
        Assert.Equal("dialogue has 1 turn(s), needs at least 2", schema.Evaluate(one).Reason);
        Assert.Equal("dialogue turn 2 has no role or no text", schema.Evaluate(blank).Reason);
    }

    [Theory]
    [InlineData("one two three", true, 1.0)]
    [InlineData("one two three four five", true, 1.0)]
    [InlineData("one two", false, 2.0 / 3)]
    [InlineData("one two three four five six", false, 5.0 / 6)]
    public void Length_bounds_on_words_are_inclusive_and_score_by_distance(string text, bool passes, double score)
    {
        var result = new LengthFilter(new LengthBounds(MinWords: 3, MaxWords: 5)).Evaluate(Text(text));
        Assert.Equal(passes, result.Passed);
        Assert.Equal(score, result.Score, 9);
    }

    [Fact]
    public void Length_reports_the_worst_violated_bound()
    {
        var result = new LengthFilter(new LengthBounds(MinChars: 40, MaxWords: 10)).Evaluate(Text("Too short."));
        Assert.False(result.Passed);
        Assert.Equal("10 characters is below the minimum 40", result.Reason);
        Assert.Equal(0.25, result.Score, 9);
    }

    [Fact]
    public void Length_counts_an_emoji_as_one_character()
    {
        var result = new LengthFilter(new LengthBounds(MaxChars: 3)).Evaluate(Text("ok👍"));
        Assert.True(result.Passed);
    }

    [Fact]
    public void Repetition_ratio_counts_repeated_ngrams()
    {
        // "a b a b a b": bigrams ab ba ab ba ab → 5 bigrams, 2 distinct → 3/5 repeated.
        Assert.Equal(0.6, RepetitionFilter.RepeatedRatio(["a", "b", "a", "b", "a", "b"], 2), 9);
        Assert.Equal(0, RepetitionFilter.RepeatedRatio(["only"], 2));
    }

    [Fact]
    public void Repetition_fails_a_looping_text_and_passes_at_the_boundary()
    {
        var filter = new RepetitionFilter(2, 0.6);
        var atBoundary = filter.Evaluate(Text("A b, A b. A B!"));
        Assert.True(atBoundary.Passed);
        Assert.Equal("repeated 2-gram ratio 0.6 is within 0.6", atBoundary.Reason);

        var looping = filter.Evaluate(Text("buy now buy now buy now buy now"));
        Assert.False(looping.Passed);
        Assert.Equal("repeated 2-gram ratio 0.714 exceeds 0.6", looping.Reason);
    }

    [Theory]
    [InlineData("As an AI language model, I cannot have opinions about pizza.", "refusal phrase \"as an AI language model\"")]
    [InlineData("I’m sorry, but I can’t write that review.", "refusal phrase \"I'm sorry, but I can't\"")]
    [InlineData("i CAN'T HELP WITH that request", "refusal phrase \"I can't help with\"")]
    public void Refusal_phrases_match_despite_case_punctuation_and_curly_apostrophes(string text, string reason)
    {
        var result = new RefusalFilter(new RefusalOptions(RefusalFilter.DefaultPhrases, [])).Evaluate(Text(text));
        Assert.False(result.Passed);
        Assert.Equal(0, result.Score);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    [InlineData("Sure! Here is a positive review: The battery lasts all day.", false)]
    [InlineData("Certainly! Here's one: Great food and friendly staff.", false)]
    [InlineData("Of course. Here is an example: Slow service.", false)]
    [InlineData("Here is a phone that finally works as advertised.", true)]
    [InlineData("The waiter said sure, here is your table, and left.", true)]
    public void Assistant_preambles_fail_only_at_the_start_of_the_text(string text, bool passes)
    {
        var result = new RefusalFilter(new RefusalOptions(RefusalFilter.DefaultPhrases, [], Openings: RefusalFilter.DefaultOpenings)).Evaluate(Text(text));

        Assert.Equal(passes, result.Passed);
        if (!passes)
        {
            Assert.StartsWith("assistant preamble", result.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_real_review_sentence_opens_like_an_assistant()
    {
        var filter = new RefusalFilter(new RefusalOptions(RefusalFilter.DefaultPhrases, [], Openings: RefusalFilter.DefaultOpenings));

        var failed = UciSentences.Load3000().Where(s => !filter.Evaluate(Text(s.Text)).Passed).Select(s => s.Text).ToList();

        Assert.Empty(failed);
    }

    [Fact]
    public void Refusal_phrases_match_whole_words_only()
    {
        var result = new RefusalFilter(new RefusalOptions(["as an AI"], [])).Evaluate(Text("It was as an aid to sleep."));
        Assert.True(result.Passed);
    }

    [Fact]
    public void Echoed_instruction_text_is_a_prompt_leak()
    {
        var options = new RefusalOptions([], ["Suppose you are a restaurant critic writing short reviews for a food blog."]);
        var leak = new RefusalFilter(options).Evaluate(Text("Suppose you are a restaurant critic writing short reviews: the soup was cold."));
        Assert.False(leak.Passed);
        Assert.StartsWith("echoes 60% of the instruction \"Suppose you are a restaurant critic", leak.Reason, StringComparison.Ordinal);
        Assert.Equal(0.4, leak.Score, 9);

        var clean = new RefusalFilter(options).Evaluate(Text("The soup was cold and the critic in me wept."));
        Assert.True(clean.Passed);
        Assert.Equal(1, clean.Score);
    }

    [Fact]
    public void Block_list_matches_whole_normalised_words()
    {
        var filter = new BlockListFilter(["darn", "bad word"]);
        var blocked = filter.Evaluate(Text("What a DARN shame, a Bad-Word indeed"));
        Assert.False(blocked.Passed);
        Assert.Equal("blocked term(s): darn, bad word", blocked.Reason);
        Assert.True(filter.Evaluate(Text("Darned socks and badwords")).Passed);
    }

    [Fact]
    public void Block_list_normalises_compatibility_forms()
    {
        // Fullwidth letters are NFKC-equivalent to ASCII.
        Assert.False(new BlockListFilter(["darn"]).Evaluate(Text("ｄａｒｎ it")).Passed);
    }

    [Fact]
    public void Relevance_mixes_task_and_condition_cosines()
    {
        var filter = new RelevanceFilter(new float[] { 1, 0 }, minRelevance: 0.5, taskWeight: 0.5);
        var onTopic = new FilterSample("s", TaskType.TextClassification, new SampleContent { Text = "x", Label = "l" })
        {
            Embedding = new float[] { 1, 0 },
            ConditionEmbeddings = [new float[] { 0, 1 }, new float[] { 1, 0 }],
        };
        var result = filter.Evaluate(onTopic);
        // 0.5 · cos(task) 1 + 0.5 · mean(0, 1) = 0.75.
        Assert.Equal(0.75, result.Score, 6);
        Assert.True(result.Passed);
        Assert.Equal("relevance 0.75 (task cosine 1, condition cosine 0.5) at or above 0.5", result.Reason);
    }

    [Fact]
    public void Relevance_fails_an_off_topic_sample_and_one_without_embedding()
    {
        var filter = new RelevanceFilter(new float[] { 1, 0 }, minRelevance: 0.5);
        var offTopic = new FilterSample("s", TaskType.TextClassification, new SampleContent { Text = "x" }) { Embedding = new float[] { -1, 0.1f } };
        var result = filter.Evaluate(offTopic);
        Assert.False(result.Passed);
        Assert.Equal(0, result.Score);

        var missing = filter.Evaluate(Text("x"));
        Assert.False(missing.Passed);
        Assert.Equal("the sample has no embedding", missing.Reason);
    }

    [Fact]
    public void Judge_score_is_the_mean_of_the_required_criteria()
    {
        var sample = new FilterSample("s", TaskType.TextClassification, new SampleContent { Text = "x" })
        {
            Judge = new JudgeAssessment("gpt-judge", new Dictionary<string, double> { ["faithfulness"] = 0.75, ["grammar"] = 0.5, ["consistency"] = 0.1 }),
        };
        var result = new JudgeFilter(0.6, ["faithfulness", "grammar"]).Evaluate(sample);
        Assert.True(result.Passed);
        Assert.Equal(0.625, result.Score, 9);

        // All three criteria: (0.75 + 0.5 + 0.1) / 3 = 0.45.
        Assert.False(new JudgeFilter(0.6).Evaluate(sample).Passed);
        Assert.Equal("judge gpt-judge gave no score for fluency", new JudgeFilter(0.7, ["fluency"]).Evaluate(sample).Reason);
        Assert.Equal("no judge assessment", new JudgeFilter(0.7).Evaluate(Text("x")).Reason);
    }

    [Fact]
    public void The_chain_keeps_every_score_and_reports_the_first_failure()
    {
        var chain = new FilterChain(
        [
            new SchemaFilter(["negative", "positive"]),
            new LengthFilter(new LengthBounds(MinWords: 5)),
            new BlockListFilter(["darn"]),
        ]);
        var result = chain.Evaluate(Text("Darn short."));
        Assert.False(result.Passed);
        Assert.Equal("length: 2 words is below the minimum 5", result.Reason);
        Assert.Equal(["schema", "length", "block-list"], result.Scores.Keys);
        Assert.Equal(0, result.Scores["block-list"]);

        Assert.True(chain.Evaluate(Text("A long enough and fine sentence.")).Passed);
    }

    [Fact]
    public void A_chain_refuses_two_filters_with_one_name() =>
        Assert.Throws<ArgumentException>(() => new FilterChain([new BlockListFilter(["a"]), new BlockListFilter(["b"])]));
}
