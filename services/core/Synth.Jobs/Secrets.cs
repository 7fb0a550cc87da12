using System.Text.RegularExpressions;

namespace Synth.Jobs;

/// <summary>Spotting API keys pasted into a spec, so they are refused and never repeated in an error message.</summary>
internal static partial class Secrets
{
    /// <summary>A whole value shaped like a provider key or token (OpenAI sk-…, GitHub, Hugging Face, Slack).</summary>
    public static bool LooksLikeLiteralKey(string value) => KeyShape().IsMatch(value);

    /// <summary>What an environment variable name may be; anything else in apiKeyEnv is refused.</summary>
    public static bool IsEnvironmentVariableName(string value) => EnvName().IsMatch(value);

    /// <summary>
    /// Env var names are words (SYNTH_LLM_API_KEY); a long value mixing lower case and digits with no underscore is
    /// far more likely a key, e.g. an Azure key that happens to start with a letter.
    /// </summary>
    public static bool LooksLikeKeyRatherThanName(string value) =>
        LooksLikeLiteralKey(value)
        || value.StartsWith("sk-", StringComparison.Ordinal)
        || (value.Length >= 24 && !value.Contains('_', StringComparison.Ordinal)
            && value.Any(char.IsAsciiLetterLower) && value.Any(char.IsAsciiDigit));

    [GeneratedRegex(@"^(sk-|sk_|ghp_|github_pat_|hf_|xox[abp]-)[A-Za-z0-9_\-]{16,}$")]
    private static partial Regex KeyShape();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
