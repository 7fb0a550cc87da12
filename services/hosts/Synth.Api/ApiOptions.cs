using System.ComponentModel.DataAnnotations;

namespace Synth.Api;

/// <summary>Section "Api": who may call the API, and how long a reviewer holds a task.</summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string SectionName = "Api";

    /// <summary>Shortest key accepted, so a placeholder or a guessable word is refused at start-up.</summary>
    public const int MinKeyLength = 16;

    /// <summary>The callers: each key (sent as X-Api-Key or as a bearer token), the name it stands for and its role.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>Requests one key (or, before authentication, one client address) may make per minute; past it, 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Jobs one key may have running (submitted, generating, draining, evaluating) at once; another submission gets 429.</summary>
    [Range(1, 10_000)]
    public int MaxRunningJobsPerKey { get; set; } = 10;

    /// <summary>Largest dataset upload (POST /datasets) in bytes; a larger one gets 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDatasetBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>How long a fetched review task stays with its reviewer before another may take it.</summary>
    [Range(1, 24 * 60)]
    public int ReviewLeaseMinutes { get; set; } = 15;

    /// <summary>
    /// How often the curated outbox is drained: reviews of curated samples whose publish to synth.samples.curated failed
    /// or was cut off are sent again this often (and once at start-up).
    /// </summary>
    [Range(1, 3600)]
    public int CuratedOutboxIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// One machine: run the control plane's state machine and every stage (the built-in processors of "Processors")
    /// in this process, as <c>synth run</c> does, so a submitted job runs here. Read once at start-up.
    /// </summary>
    public bool RunPipeline { get; set; }

    /// <summary>
    /// Link to one trace in the trace viewer, with <c>{traceId}</c> where the id goes (e.g. Jaeger's
    /// "http://localhost:16686/trace/{traceId}"); no links when empty.
    /// </summary>
    public string? TraceViewerUrl { get; set; }

    /// <summary>The trace viewer link of a trace, or null when no viewer is configured.</summary>
    public Uri? TraceLink(string? traceId) =>
        string.IsNullOrWhiteSpace(TraceViewerUrl) || string.IsNullOrEmpty(traceId)
            ? null
            : new Uri(TraceViewerUrl.Replace(TraceIdPlaceholder, Uri.EscapeDataString(traceId), StringComparison.Ordinal));

    private const string TraceIdPlaceholder = "{traceId}";

    /// <summary>The key entry of an authenticated caller, by the name its authentication put on the principal.</summary>
    public ApiKeyOptions KeyNamed(string name) => Keys.Single(k => k.Name == name);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult("Api:Keys is empty: configure at least one { Name, Key, Role } (e.g. Api__Keys__0__Name, Api__Keys__0__Key and Api__Keys__0__Role).", [nameof(Keys)]);
        }

        if (!string.IsNullOrWhiteSpace(TraceViewerUrl)
            && (!TraceViewerUrl.Contains(TraceIdPlaceholder, StringComparison.Ordinal)
                || !Uri.TryCreate(TraceViewerUrl.Replace(TraceIdPlaceholder, "0", StringComparison.Ordinal), UriKind.Absolute, out _)))
        {
            yield return new ValidationResult($"Api:TraceViewerUrl '{TraceViewerUrl}' must be an absolute URL containing {TraceIdPlaceholder}, e.g. http://localhost:16686/trace/{TraceIdPlaceholder}.", [nameof(TraceViewerUrl)]);
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

            if (entry.Role is not { } role || !Enum.IsDefined(role))
            {
                yield return new ValidationResult($"Api:Keys:{i}:Role is required: one of {string.Join(", ", Enum.GetNames<ApiRole>().Select(n => n.ToLowerInvariant()))}.", [nameof(Keys)]);
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
