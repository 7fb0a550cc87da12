using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>The filter names of the chain, the keys rank-and-drop weights may use.</summary>
    internal static readonly string[] FilterNames = ["schema", "length", "repetition", "refusal", "block-list", "relevance", "judge"];

    /// <summary>Rules of the 'curation.filter' section.</summary>
    private void CheckFilter()
    {
        const string path = "curation.filter";
        var filter = spec.Curation.Filter;

        var length = filter.Length;
        AtLeast($"{path}.length.minChars", length.MinChars, 0);
        AtLeast($"{path}.length.maxChars", length.MaxChars, Math.Max(1, length.MinChars ?? 1));
        AtLeast($"{path}.length.minWords", length.MinWords, 0);
        AtLeast($"{path}.length.maxWords", length.MaxWords, Math.Max(1, length.MinWords ?? 1));

        InRange($"{path}.repetition.ngram", filter.Repetition.Ngram, 1, 20);
        InRange($"{path}.repetition.maxRepeatedRatio", filter.Repetition.MaxRepeatedRatio, 0, 1);

        var refusal = filter.Refusal;
        InRange($"{path}.refusal.echoNgram", refusal.EchoNgram, 1, 20);
        InRange($"{path}.refusal.maxEchoShare", refusal.MaxEchoShare, 0, 1);
        NoBlankEntries($"{path}.refusal.phrases", refusal.Phrases);
        if (refusal.Enabled && !refusal.DefaultPhrases && refusal.Phrases.Count == 0 && !refusal.DetectPromptLeak)
        {
            Add($"{path}.refusal", "checks nothing: no default phrases, no phrases and no prompt-leak detection; set enabled: false instead");
        }

        NoBlankEntries($"{path}.blockList.terms", filter.BlockList.Terms);

        var relevance = filter.Relevance;
        if (relevance.MinRelevance is { } minRelevance)
        {
            InRange($"{path}.relevance.minRelevance", minRelevance, 0, 1);
        }

        InRange($"{path}.relevance.taskWeight", relevance.TaskWeight, 0, 1);
        Positive($"{path}.relevance.outlierDeviations", relevance.OutlierDeviations);
        InRange($"{path}.relevance.escalateBelow", relevance.EscalateBelow, 0, 1);
        AtLeast($"{path}.relevance.warmUp", relevance.WarmUp, 2);
        AtLeast($"{path}.relevance.window", relevance.Window, Math.Max(2, relevance.WarmUp));

        CheckJudge($"{path}.judge", filter.Judge);
        CheckDedup($"{path}.dedup", filter.Dedup);
        CheckRankAndDrop($"{path}.rankAndDrop", filter);

        var weighting = filter.Weighting;
        AtLeast($"{path}.weighting.window", weighting.Window, 1);
        InRange($"{path}.weighting.judgeConfidence", weighting.JudgeConfidence, 0, 1000);
        InRange($"{path}.weighting.novelty", weighting.Novelty, 0, 1000);
        if (weighting.Floor is <= 0 or > 1)
        {
            Add($"{path}.weighting.floor", $"must be greater than 0 and at most 1, got {weighting.Floor}");
        }
    }

    private void CheckJudge(string path, JudgeFilterSpec judge)
    {
        InRange($"{path}.minScore", judge.MinScore, 0, 1);
        AtLeast($"{path}.maxRequests", judge.MaxRequests, 1);
        if (judge.Criteria.Count == 0)
        {
            Add($"{path}.criteria", "the judge needs at least one criterion, e.g. faithfulness, consistency, grammar");
        }

        NoBlankEntries($"{path}.criteria", judge.Criteria);
        if (judge.Connection is not { } connection)
        {
            return;
        }

        var connectionPath = $"{path}.connection";
        if (connection.Provider == LlmProvider.LLamaSharp)
        {
            if (Required($"{connectionPath}.modelPath", connection.ModelPath, "the GGUF model file"))
            {
                FileFound($"{connectionPath}.modelPath", connection.ModelPath!);
            }
        }
        else if (connection.Provider == LlmProvider.Auto)
        {
            CheckAuto(connectionPath, connection);
            if (connection.BaseUrl is { } baseUrl && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                Add($"{connectionPath}.baseUrl", $"must be an absolute http or https URL, got {Show(baseUrl)}");
            }
        }
        else
        {
            if (Required($"{connectionPath}.baseUrl", connection.BaseUrl, "the judge endpoint's base URL")
                && !(Uri.TryCreate(connection.BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                Add($"{connectionPath}.baseUrl", $"must be an absolute http or https URL, got {Show(connection.BaseUrl!)}");
            }

            if (connection.Provider == LlmProvider.AzureOpenAI)
            {
                Required($"{connectionPath}.deployment", connection.Deployment, "the Azure OpenAI deployment name");
            }
            else
            {
                Required($"{connectionPath}.model", connection.Model, "the model name the endpoint serves");
            }
        }

        OneKeySource(connectionPath, connection);
        // Never echo this value: a user who got it wrong has most likely pasted the key itself.
        if (connection.ApiKeyEnv is { } apiKeyEnv && !Secrets.IsEnvironmentVariableName(apiKeyEnv))
        {
            Add($"{connectionPath}.apiKeyEnv", "must be the name of an environment variable: letters, digits and underscores, not starting with a digit (value not shown)");
        }

        Positive($"{connectionPath}.timeoutSeconds", connection.TimeoutSeconds);
        InRange($"{connectionPath}.maxRetries", connection.MaxRetries, 0, 100);
        AtLeast($"{connectionPath}.maxOutputTokens", connection.MaxOutputTokens, 1);
    }

    private void CheckDedup(string path, DedupSpec dedup)
    {
        InRange($"{path}.shingleSize", dedup.ShingleSize, 1, 10);
        InRange($"{path}.bands", dedup.Bands, 1, 500);
        InRange($"{path}.rows", dedup.Rows, 1, 100);
        if (dedup.JaccardThreshold is <= 0 or > 1)
        {
            Add($"{path}.jaccardThreshold", $"must be greater than 0 and at most 1, got {dedup.JaccardThreshold}");
        }

        if (dedup.SemanticThreshold is <= 0 or > 1)
        {
            Add($"{path}.semanticThreshold", $"must be greater than 0 and at most 1, got {dedup.SemanticThreshold}");
        }

        if (dedup.Scope == DedupScope.Dataset)
        {
            if (Required($"{path}.dataset", dedup.Dataset, "the name of the dataset-wide index (scope: dataset)")
                && !SampleIds.IsValidJobId(dedup.Dataset!))
            {
                Add($"{path}.dataset", $"{Show(dedup.Dataset!)} is not a dataset name: use 1-64 lowercase letters, digits and dashes, starting with a letter or digit");
            }
        }
        else if (dedup.Dataset is not null)
        {
            Add($"{path}.dataset", "only used with scope: dataset");
        }
    }

    private void CheckRankAndDrop(string path, FilterSpec filter)
    {
        var rank = filter.RankAndDrop;
        if (rank.KeepFraction is <= 0 or > 1)
        {
            Add($"{path}.keepFraction", $"must be greater than 0 and at most 1, got {rank.KeepFraction}");
        }

        AtLeast($"{path}.window", rank.Window, 1);
        AtLeast($"{path}.warmUp", rank.WarmUp, 0);
        foreach (var (name, weight) in rank.Weights)
        {
            var weightPath = SpecBinder.Entry($"{path}.weights", name);
            if (!FilterNames.Contains(name))
            {
                Add(weightPath, $"'{name}' is not a filter; known: {string.Join(", ", FilterNames)}");
            }

            if (weight < 0 || !double.IsFinite(weight))
            {
                Add(weightPath, $"must not be negative, got {weight}");
            }
        }

        if (rank.Weights.Count > 0 && rank.Weights.Values.All(weight => weight <= 0))
        {
            Add($"{path}.weights", "at least one filter needs a positive weight");
        }

        if (filter.Mode != FilterMode.RankAndDrop && positions.Has(path))
        {
            Add(path, "only used with mode: rank-and-drop");
        }
    }

    private void NoBlankEntries(string path, List<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                Add($"{path}[{i}]", "must not be blank");
            }
        }
    }
}
