using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Synth.ServiceDefaults;

/// <summary>What every Synth host shares (as eShop's ServiceDefaults): validated options, telemetry and the health file.</summary>
public static class SynthHosting
{
    /// <summary>Every Synth activity source (Synth.Messaging, Synth.Pipeline, …): spans the hosts trace.</summary>
    public const string ActivitySources = "Synth.*";

    /// <summary>The clock, this instance's identity and tracing; the CLI and every service call it first.</summary>
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
                    tracing.AddOtlpExporter(otlp =>
                    {
                        otlp.Endpoint = endpoint;
                        otlp.Protocol = telemetry.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    });
                }
            });
        return builder;
    }
}
