using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Synth.ServiceDefaults;

/// <summary>
/// Writes the metrics a collection hands it in the Prometheus text format (0.0.4): dots become underscores, seconds
/// get "_seconds", counters "_total", histograms their cumulative buckets, sum and count.
/// </summary>
/// <remarks>
/// OpenTelemetry's own Prometheus HttpListener exporter (1.20.1-beta.1, the one the mirror serves) binds one host name
/// only, and .NET's HttpListener binds every interface only for "+" or "*", which it refuses; a scraper in another
/// container could not reach it. So the scrape endpoint (<see cref="PrometheusScrapeEndpoint"/>) is ours and this
/// exporter formats what the SDK collects.
/// </remarks>
public sealed class PrometheusTextExporter : BaseExporter<Metric>
{
    private string _text = string.Empty;

    /// <summary>The text of the last collection.</summary>
    public string Text => Volatile.Read(ref _text);

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var text = new StringBuilder();
        foreach (var metric in batch)
        {
            Write(text, metric);
        }

        Volatile.Write(ref _text, text.ToString());
        return ExportResult.Success;
    }

    /// <summary>The Prometheus name of an instrument: "synth.stage.processing.duration" in seconds → synth_stage_processing_duration_seconds.</summary>
    public static string NameOf(string instrument, string? unit, bool counter)
    {
        var name = Sanitize(instrument);
        if (unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        return counter ? name + "_total" : name;
    }

    private static void Write(StringBuilder text, Metric metric)
    {
        var (type, counter) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", true),
            MetricType.Histogram => ("histogram", false),
            MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => ("gauge", false),
            _ => (null, false),
        };
        if (type is null)
        {
            return;
        }

        var name = NameOf(metric.Name, metric.Unit, counter);
        text.Append("# HELP ").Append(name).Append(' ').Append(metric.Description.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(text, name, labels, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(text, name, labels, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    Sample(text, name, labels, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    Sample(text, name, labels, point.GetGaugeLastValueDouble());
                    break;
                default:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var bound = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                        Sample(text, name + "_bucket", Join(labels, $"le=\"{bound}\""), cumulative);
                    }

                    Sample(text, name + "_sum", labels, point.GetHistogramSum());
                    Sample(text, name + "_count", labels, point.GetHistogramCount());
                    break;
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels.Length == 0 ? string.Empty : $"{{{labels}}}").Append(' ').Append(Number(value)).Append('\n');

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var labels = new List<string>();
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            labels.Add($"{Sanitize(tag.Key)}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        return string.Join(',', labels);
    }

    private static string Join(string labels, string label) => labels.Length == 0 ? label : $"{labels},{label}";

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_' && chars[i] != ':')
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
