using System.ComponentModel.DataAnnotations;

namespace Synth.Api;

/// <summary>Section "Api": who may call the API, and how long a reviewer holds a task.</summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string SectionName = "Api";

    /// <summary>Shortest key accepted, so a placeholder or a guessable word is refused at start-up.</summary>
    public const int MinKeyLength = 16;

    /// <summary>The callers: each key (sent as X-Api-Key or as a bearer token) and the reviewer name it stands for.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>How long a fetched review task stays with its reviewer before another may take it.</summary>
    [Range(1, 24 * 60)]
    public int ReviewLeaseMinutes { get; set; } = 15;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult("Api:Keys is empty: configure at least one { Name, Key } (e.g. Api__Keys__0__Name and Api__Keys__0__Key).", [nameof(Keys)]);
        }

        // Messages name the entry by index and name only: a key is never echoed.
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var entry = Keys[i];
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                yield return new ValidationResult($"Api:Keys:{i}:Name is required: the reviewer name recorded with the labels this key submits.", [nameof(Keys)]);
            }
            else if (!names.Add(entry.Name))
            {
                yield return new ValidationResult($"Api:Keys:{i}:Name '{entry.Name}' is used twice.", [nameof(Keys)]);
            }

            if (string.IsNullOrWhiteSpace(entry.Key) || entry.Key.Length < MinKeyLength)
            {
                yield return new ValidationResult($"Api:Keys:{i}:Key is missing or shorter than {MinKeyLength} characters (value not shown).", [nameof(Keys)]);
            }
            else if (!keys.Add(entry.Key))
            {
                yield return new ValidationResult($"Api:Keys:{i}:Key is the same as an earlier entry's (value not shown).", [nameof(Keys)]);
            }
        }
    }
}

public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    /// <summary>A secret: comes from the environment or a secret store, never logged.</summary>
    public string Key { get; set; } = "";
}
