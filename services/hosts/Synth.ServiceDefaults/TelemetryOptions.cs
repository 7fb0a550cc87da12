using System.ComponentModel.DataAnnotations;

namespace Synth.ServiceDefaults;

/// <summary>
/// Trace and metric export (section "Telemetry"). Without an endpoint spans are still made and their ids recorded on
/// samples, and metrics are still counted, just not exported.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// OTLP endpoint for traces and metrics, e.g. http://jaeger:4317 (gRPC) or http://collector:4318/v1/traces (HTTP;
    /// metrics then go to the same host's /v1/metrics).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>"grpc" or "http/protobuf".</summary>
    [RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'.")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Whether metrics go over OTLP too; off when the OTLP backend takes traces only (Jaeger) and Prometheus scrapes instead.</summary>
    public bool OtlpMetrics { get; set; } = true;

    /// <summary>
    /// Port of the Prometheus scrape endpoint (http://*:port/metrics); none when unset. Off by default because several
    /// processes share one machine in development and tests; every deployment sets it (compose and infra/k8s: 9464).
    /// </summary>
    [Range(1, 65535)]
    public int? PrometheusPort { get; set; }

    /// <summary>The OTLP endpoint metrics go to (none with <see cref="OtlpMetrics"/> off): the same one, except that an HTTP endpoint's /v1/traces path becomes /v1/metrics.</summary>
    public Uri? OtlpMetricsEndpoint =>
        !OtlpMetrics ? null
        : OtlpEndpoint is { } endpoint && OtlpProtocol != "grpc" && endpoint.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal)
            ? new Uri(endpoint, endpoint.AbsolutePath[..^"/v1/traces".Length] + "/v1/metrics")
            : OtlpEndpoint;
}
