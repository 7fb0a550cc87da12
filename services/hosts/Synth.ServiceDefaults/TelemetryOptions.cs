namespace Synth.ServiceDefaults;

/// <summary>Tracing export (section "Telemetry"). Without an endpoint spans are still made and their ids recorded on samples, just not exported.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>OTLP endpoint, e.g. http://jaeger:4317 (gRPC) or http://jaeger:4318/v1/traces (HTTP).</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>"grpc" or "http/protobuf".</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'.")]
    public string OtlpProtocol { get; set; } = "grpc";
}
