using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Synth.ServiceDefaults;

/// <summary>What every Synth host shares (as eShop's ServiceDefaults): validated options, telemetry and the health file.</summary>
public static class SynthHosting
{
    /// <summary>Every Synth activity source (Synth.Messaging, Synth.Pipeline, …): spans the hosts trace.</summary>
    public const string ActivitySources = "Synth.*";

    /// <summary>Every Synth meter (Synth.Pipeline, Synth.Messaging.Kafka, Synth.Generation): the metrics the hosts export.</summary>
    public const string Meters = "Synth.*";

    /// <summary>Path of the Prometheus scrape endpoint on <see cref="TelemetryOptions.PrometheusPort"/>.</summary>
    public const string ScrapePath = "/metrics";

    /// <summary>The clock, this instance's identity, tracing and metrics; the CLI and every service call it first.</summary>
    public static IHostApplicationBuilder AddSynthDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var instance = builder.Configuration.GetSection(InstanceOptions.SectionName).Get<InstanceOptions>() ?? new InstanceOptions();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instance.InstanceName))
            .WithTracing(tracing =>
            {
                // Spans are always made, so every decision records its trace id; they are exported only when asked.
                tracing.AddSource(ActivitySources);
                if (telemetry.OtlpEndpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(otlp => ConfigureOtlp(otlp, endpoint, telemetry));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                if (telemetry.OtlpMetricsEndpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => ConfigureOtlp(otlp, endpoint, telemetry));
                }

                if (telemetry.PrometheusPort is not null)
                {
                    metrics.AddReader(sp => sp.GetRequiredService<PrometheusReader>().Reader);
                }
            });
        if (telemetry.PrometheusPort is { } port)
        {
            services.AddSingleton<PrometheusReader>();
            services.AddHostedService(sp => new PrometheusScrapeEndpoint(
                sp.GetRequiredService<MeterProvider>(), sp.GetRequiredService<PrometheusReader>().Reader, sp.GetRequiredService<PrometheusReader>().Exporter,
                port, sp.GetRequiredService<ILogger<PrometheusScrapeEndpoint>>()));
        }

        return builder;
    }

    private static void ConfigureOtlp(OtlpExporterOptions otlp, Uri endpoint, TelemetryOptions telemetry)
    {
        otlp.Endpoint = endpoint;
        otlp.Protocol = telemetry.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
    }
}
