using Synth.Contracts.Jobs;

namespace Synth.Jobs.Tests;

/// <summary>The 'curation.filter' section: defaults, binding and its rules.</summary>
public sealed class FilterSpecTests
{
    private static string Spec(string filter) => $"""
        name: filter-rules
        task:
          type: text-classification
          dataDescription: d
          labels:
            - {"{"} name: a, description: first {"}"}
            - {"{"} name: b, description: second {"}"}
        generation:
          baseUrl: http://h/v1
          model: m
        curation:
          filter:
        {filter}
        """;

    private static JobSpecValidationException Invalid(string filter) =>
        Assert.Throws<JobSpecValidationException>(() => JobSpecLoader.Parse(Spec(filter), "job.yaml"));

    [Fact]
    public void No_section_means_the_default_chain_and_exact_and_near_dedup()
    {
        var spec = JobSpecLoader.Parse("""
            name: defaults
            task: { type: dialogue, dataDescription: d }
            generation: { baseUrl: "http://h/v1", model: m }
            """, "job.yaml");
        var filter = spec.Curation.Filter;

        Assert.Equal(FilterMode.Threshold, filter.Mode);
        Assert.True(filter.Schema.Enabled && filter.Length.Enabled && filter.Repetition.Enabled && filter.Refusal.Enabled);
        Assert.Empty(filter.BlockList.Terms);
        Assert.Null(filter.Relevance.Enabled);
        Assert.False(filter.Judge.Enabled);
        Assert.True(filter.Dedup.Exact && filter.Dedup.Near);
        Assert.Null(filter.Dedup.Semantic);
        Assert.Equal(DedupScope.Job, filter.Dedup.Scope);
    }

    [Fact]
    public void A_full_section_binds_with_kebab_case_values()
    {
        var spec = JobSpecLoader.Parse(Spec("""
                mode: rank-and-drop
                length: { minWords: 3, maxWords: 80 }
                repetition: { ngram: 2, maxRepeatedRatio: 0.2 }
                refusal: { phrases: [as a chatbot], detectPromptLeak: false }
                blockList: { terms: [lorem ipsum] }
                relevance: { enabled: false }
                judge: { enabled: true, minScore: 0.7, criteria: [grammar], maxRequests: 50, connection: { baseUrl: "http://judge/v1", model: j } }
                dedup: { semantic: true, bands: 16, rows: 8, jaccardThreshold: 0.8, scope: dataset, dataset: reviews-v1 }
                rankAndDrop: { keepFraction: 0.5, window: 100, warmUp: 10, weights: { judge: 2, length: 1 } }
                weighting: { judgeConfidence: 2, novelty: 0.5, floor: 0.3 }
            """), "job.yaml");
        var filter = spec.Curation.Filter;

        Assert.Equal(FilterMode.RankAndDrop, filter.Mode);
        Assert.Equal((3, 80), (filter.Length.MinWords, filter.Length.MaxWords));
        Assert.Equal(["as a chatbot"], filter.Refusal.Phrases);
        Assert.False(filter.Refusal.DetectPromptLeak);
        Assert.Equal(["lorem ipsum"], filter.BlockList.Terms);
        Assert.False(filter.Relevance.Enabled);
        Assert.Equal(("j", 50L), (filter.Judge.Connection!.Model, filter.Judge.MaxRequests));
        Assert.Equal((DedupScope.Dataset, "reviews-v1", 16, 8), (filter.Dedup.Scope, filter.Dedup.Dataset, filter.Dedup.Bands, filter.Dedup.Rows));
        Assert.Equal(2, filter.RankAndDrop.Weights["judge"]);
        Assert.Equal(0.3, filter.Weighting.Floor);
    }

    [Fact]
    public void Out_of_range_numbers_are_named_by_path_and_line()
    {
        var e = Invalid("""
                repetition: { maxRepeatedRatio: 1.5 }
                dedup: { jaccardThreshold: 0, bands: 0 }
                weighting: { floor: 0 }
            """);

        Assert.Equal(
            ["curation.filter.repetition.maxRepeatedRatio", "curation.filter.dedup.jaccardThreshold", "curation.filter.dedup.bands", "curation.filter.weighting.floor"],
            e.Errors.Select(x => x.FieldPath));
        Assert.All(e.Errors, x => Assert.NotNull(x.Line));
    }

    [Fact]
    public void Relevance_escalation_is_on_by_default_below_the_median_and_its_quantile_is_checked_by_path_and_line()
    {
        var defaults = JobSpecLoader.Parse(Spec("    mode: threshold"), "job.yaml").Curation.Filter.Relevance;
        var off = JobSpecLoader.Parse(Spec("    relevance: { escalate: false, escalateBelow: 0.25 }"), "job.yaml").Curation.Filter.Relevance;
        var error = Assert.Single(Invalid("    relevance: { escalateBelow: 1.5 }").Errors);
        var typo = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Spec("    relevance: { escalate: sometimes }"), "job.yaml"));

        Assert.True(defaults.Escalate);
        Assert.Equal(0.5, defaults.EscalateBelow);
        Assert.False(off.Escalate);
        Assert.Equal(0.25, off.EscalateBelow);
        Assert.Equal("curation.filter.relevance.escalateBelow", error.FieldPath);
        Assert.NotNull(error.Line);
        Assert.NotNull(Assert.Single(typo.Errors).Line);
    }

    [Fact]
    public void Dataset_scope_needs_a_valid_dataset_name_and_job_scope_takes_none()
    {
        Assert.Equal("curation.filter.dedup.dataset", Assert.Single(Invalid("    dedup: { scope: dataset }").Errors).FieldPath);
        Assert.Contains("not a dataset name", Assert.Single(Invalid("    dedup: { scope: dataset, dataset: Reviews V1 }").Errors).Message, StringComparison.Ordinal);
        Assert.Contains("only used with scope: dataset", Assert.Single(Invalid("    dedup: { dataset: reviews }").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_weights_must_name_filters_and_rank_settings_need_the_mode()
    {
        var unknown = Invalid("    mode: rank-and-drop\n    rankAndDrop: { weights: { lenght: 1 } }");
        var withoutMode = Invalid("    rankAndDrop: { keepFraction: 0.5 }");

        Assert.Contains("'lenght' is not a filter", Assert.Single(unknown.Errors).Message, StringComparison.Ordinal);
        Assert.Equal("curation.filter.rankAndDrop", Assert.Single(withoutMode.Errors).FieldPath);
    }

    [Fact]
    public void A_judge_connection_needs_its_endpoint_and_never_shows_a_pasted_key()
    {
        var e = Invalid("    judge: { enabled: true, criteria: [], connection: { apiKeyEnv: \"not a name\" } }");

        string[] expected =
            ["curation.filter.judge.connection.apiKeyEnv", "curation.filter.judge.connection.baseUrl", "curation.filter.judge.connection.model", "curation.filter.judge.criteria"];
        Assert.Equal(expected, e.Errors.Select(x => x.FieldPath).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("not a name", e.Errors.Single(x => x.FieldPath.EndsWith("apiKeyEnv", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_filter_keys_are_errors_with_a_suggestion()
    {
        var e = Assert.Throws<JobSpecException>(() => JobSpecLoader.Parse(Spec("    repetiton: { ngram: 2 }"), "job.yaml"));

        var error = Assert.Single(e.Errors);
        Assert.Equal("curation.filter.repetiton", error.FieldPath);
        Assert.Contains("repetition", error.Message, StringComparison.Ordinal);
    }
}
