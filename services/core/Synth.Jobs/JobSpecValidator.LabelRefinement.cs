using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs;

internal sealed partial class JobSpecValidator
{
    /// <summary>Rules of the 'curation.labelRefinement' section.</summary>
    private void CheckLabelRefinement()
    {
        const string path = "curation.labelRefinement";
        var refinement = spec.Curation.LabelRefinement;
        // Relabelling only applies to labels; other task types pass through the stage, so say so instead of ignoring it.
        if (TaskTypeWritten && spec.Task.Type != TaskType.TextClassification
            && (refinement.LlmRelabel.Enabled || positions.Has($"{path}.student") || positions.Has($"{path}.review")))
        {
            Add(path, $"label refinement applies to text-classification only; this task is {SpecBinder.EnumName(spec.Task.Type)}, so remove the section");
        }

        CheckLlmRelabel($"{path}.llmRelabel", refinement.LlmRelabel);
        CheckStudent($"{path}.student", refinement.Student);
        CheckReview($"{path}.review", refinement.Review);
    }

    private void CheckLlmRelabel(string path, LlmRelabelSpec relabel)
    {
        InRange($"{path}.votes", relabel.Votes, 1, 25);
        InRange($"{path}.minAgreement", relabel.MinAgreement, 0, 1);
        AtLeast($"{path}.maxRequests", relabel.MaxRequests, 1);
        if (relabel.Prompt is not null)
        {
            Required($"{path}.prompt", relabel.Prompt, "the relabel instruction (or remove prompt to use the built-in one)");
        }

        if (relabel.Model is { } model)
        {
            CheckRelabelModel($"{path}.model", model);
        }
        else if (relabel.Enabled && !positions.Has("generation.model") && !positions.Has("generation.deployment") && !positions.Has("generation.modelPath"))
        {
            Add($"{path}.model", "required when enabled and the generation section names no model: the relabeller's connection");
        }
    }

    private void CheckRelabelModel(string path, RelabelModelSpec model)
    {
        var provider = SpecBinder.EnumName(model.Provider);
        switch (model.Provider)
        {
            case LlmProvider.OpenAICompatible:
                Required($"{path}.baseUrl", model.BaseUrl, $"the endpoint's base URL for {provider}");
                Required($"{path}.model", model.Model, $"the model name the {provider} endpoint serves");
                break;
            case LlmProvider.AzureOpenAI:
                Required($"{path}.baseUrl", model.BaseUrl, "the Azure OpenAI resource endpoint");
                Required($"{path}.deployment", model.Deployment, "the Azure OpenAI deployment name");
                if (model.ApiKeyFile is null)
                {
                    Required($"{path}.apiKeyEnv", model.ApiKeyEnv, "the environment variable holding the Azure OpenAI key (or apiKeyFile, the file holding it)");
                }

                break;
            case LlmProvider.LLamaSharp:
                if (Required($"{path}.modelPath", model.ModelPath, "the GGUF model file"))
                {
                    FileFound($"{path}.modelPath", model.ModelPath!);
                }

                break;
            case LlmProvider.Auto:
                CheckAuto(path, model);
                break;
        }

        if (model.BaseUrl is { } baseUrl
            && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            Add($"{path}.baseUrl", $"must be an absolute http or https URL, got {Show(baseUrl)}");
        }

        OneKeySource(path, model);
        // Never echo this value: a wrong one is most likely the key itself.
        if (model.ApiKeyEnv is { } apiKeyEnv && !Secrets.IsEnvironmentVariableName(apiKeyEnv))
        {
            Add($"{path}.apiKeyEnv", Secrets.LooksLikeKeyRatherThanName(apiKeyEnv)
                ? "looks like a literal API key (value not shown); put the key in an environment variable and write that variable's name here"
                : "must be the name of an environment variable: letters, digits and underscores, not starting with a digit (value not shown)");
        }

        InRange($"{path}.temperature", model.Temperature, 0, 2);
        if (model.TopP is <= 0 or > 1)
        {
            Add($"{path}.topP", $"must be greater than 0 and at most 1, got {model.TopP}");
        }

        AtLeast($"{path}.maxOutputTokens", model.MaxOutputTokens, 1);
        Positive($"{path}.timeoutSeconds", model.TimeoutSeconds);
        InRange($"{path}.maxRetries", model.MaxRetries, 0, 100);
    }

    private void CheckStudent(string path, StudentSpec student)
    {
        InRange($"{path}.folds", student.Folds, 2, 20);
        AtLeast($"{path}.minTrainingSamples", student.MinTrainingSamples, 2);
        InRange($"{path}.minConfidence", student.MinConfidence, 0, 1);
        AtLeast($"{path}.retrainAfter", student.RetrainAfter, 1);
    }

    private void CheckReview(string path, ReviewSpec review)
    {
        InRange($"{path}.maxConfidence", review.MaxConfidence, 0, 1);
        if (review.MaxFraction is { } fraction)
        {
            InRange($"{path}.maxFraction", fraction, 0, 1);
        }

        AtLeast($"{path}.maxCount", review.MaxCount, 0);
    }
}
