using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Synth.ServiceDefaults;

/// <summary>The health-file liveness every non-HTTP service has (stages, the controller): section "Health".</summary>
public static class HealthFileHosting
{
    /// <summary>
    /// Registers the health file (rewritten every Health:IntervalSeconds); the caller adds its own checks to the
    /// returned builder. Health checks registered elsewhere (the store's, MassTransit's bus) are reported too.
    /// </summary>
    public static IHealthChecksBuilder AddHealthFile(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IHealthCheckPublisher, HealthFilePublisher>();
        services.AddOptions<HealthCheckPublisherOptions>().Configure<IOptions<HealthOptions>>((publisher, health) =>
        {
            publisher.Delay = TimeSpan.FromSeconds(1);
            publisher.Period = TimeSpan.FromSeconds(health.Value.IntervalSeconds);
        });
        return services.AddHealthChecks();
    }
}
