using System.Text;
using Synth.Contracts.Jobs;
using Synth.Contracts.Samples;

namespace Synth.Jobs;

/// <summary>The job id a spec runs under: stable across reruns, so rerunning a spec resumes its job.</summary>
public static class JobIds
{
    private const int MaxLength = 64;

    /// <summary>The spec's <see cref="JobSpec.Id"/> when set, otherwise <see cref="Slug"/> of its name.</summary>
    /// <exception cref="ArgumentException">The id is invalid, or the name has no ASCII letter or digit to build one from.</exception>
    public static string Derive(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.IsNullOrEmpty(spec.Id))
        {
            SampleIds.ValidateJobId(spec.Id);
            return spec.Id;
        }

        var slug = Slug(spec.Name);
        return slug.Length > 0
            ? slug
            : throw new ArgumentException($"Job name '{spec.Name}' has no ASCII letter or digit to derive a job id from; set an id.", nameof(spec));
    }

    /// <summary>Lowercase ASCII letters and digits, every other run of characters one '-', trimmed, at most 64 long; may be empty.</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var slug = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (var c in name)
        {
            if (slug.Length == MaxLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }
}
