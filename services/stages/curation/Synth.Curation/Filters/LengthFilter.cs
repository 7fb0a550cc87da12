using System.Globalization;
using Synth.Curation.Text;

namespace Synth.Curation.Filters;

/// <summary>
/// Length in characters (of the raw text, text elements so an emoji counts once) and words (of the normal form).
/// Score 1 within bounds; outside, the ratio of the bound to the length (or the length to the bound) of the worst
/// violated bound, so a sample just outside ranks above one far outside.
/// </summary>
public sealed class LengthFilter(LengthBounds bounds) : ISampleFilter
{
    public string Name => "length";

    public FilterResult Evaluate(FilterSample sample)
    {
        var chars = new StringInfo(sample.Text).LengthInTextElements;
        var words = TextNormalizer.Words(sample.NormalizedText).Length;
        var checks = new[]
        {
            (Measure: chars, Unit: "characters", Min: bounds.MinChars, Max: bounds.MaxChars),
            (Measure: words, Unit: "words", Min: bounds.MinWords, Max: bounds.MaxWords),
        };

        var score = 1.0;
        string? reason = null;
        foreach (var (measure, unit, min, max) in checks)
        {
            if (min is { } low && measure < low)
            {
                var ratio = (double)measure / low;
                if (ratio < score)
                {
                    (score, reason) = (ratio, $"{measure} {unit} is below the minimum {low}");
                }
            }

            if (max is { } high && measure > high)
            {
                var ratio = (double)high / measure;
                if (ratio < score)
                {
                    (score, reason) = (ratio, $"{measure} {unit} is above the maximum {high}");
                }
            }
        }

        return new FilterResult(Name, score, 1, reason ?? $"{chars} characters and {words} words are within bounds");
    }
}
