using OpenTelemetry.Metrics;

namespace Synth.ServiceDefaults;

/// <summary>The metric reader a scrape collects through: cumulative, so every scrape sees totals since the start.</summary>
public sealed class PrometheusReader : IDisposable
{
    public PrometheusTextExporter Exporter { get; } = new();

    public MetricReader Reader { get; }

    public PrometheusReader() =>
        Reader = new BaseExportingMetricReader(Exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };

    public void Dispose() => Reader.Dispose();
}
