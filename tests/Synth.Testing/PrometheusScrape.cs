using System.Globalization;
using System.Text.RegularExpressions;

namespace Synth.Testing;

/// <summary>One scrape of a Prometheus text endpoint: the samples by metric name, each with its labels.</summary>
public sealed partial class PrometheusScrape
{
    private readonly List<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> _samples;

    private PrometheusScrape(List<(string, IReadOnlyDictionary<string, string>, double)> samples) => _samples = samples;

    public static async Task<PrometheusScrape> GetAsync(HttpClient http, Uri endpoint, CancellationToken cancellationToken = default) =>
        Parse(await http.GetStringAsync(endpoint, cancellationToken));

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<(string, IReadOnlyDictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || SampleLine().Match(line) is not { Success: true } match)
            {
                continue;
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }

        return new PrometheusScrape(samples);
    }

    /// <summary>The series of <paramref name="name"/> whose labels include every pair of <paramref name="where"/>.</summary>
    public IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Series(string name, params (string Label, string Value)[] where) =>
        _samples.Where(s => s.Name == name && where.All(w => s.Labels.TryGetValue(w.Label, out var v) && v == w.Value)).Select(s => (s.Labels, s.Value));

    /// <summary>The sum over <see cref="Series"/>; 0 when there is none.</summary>
    public double Sum(string name, params (string Label, string Value)[] where) => Series(name, where).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
