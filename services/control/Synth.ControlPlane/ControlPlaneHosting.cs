using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Synth.ControlPlane.Persistence;

namespace Synth.ControlPlane;

public static class ControlPlaneHosting
{
    /// <summary>
    /// MassTransit on the configured transport (section "ControlPlane"), <see cref="IJobControl"/>, and — when this
    /// process runs it — the job state machine with its sagas in the store. <paramref name="participants"/> adds a
    /// stage's consumers (MassTransit is configured once per process). Needs ISampleStore and ISagaStore registered.
    /// </summary>
    public static IHostApplicationBuilder AddSynthControlPlane(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? participants = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ControlPlaneOptions>().BindConfiguration(ControlPlaneOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ControlPlaneOptions.SectionName).Get<ControlPlaneOptions>() ?? new ControlPlaneOptions();
        services.AddSingleton<IJobControl, JobControl>();
        // Start-up waits for the bus and its topology: on RabbitMQ a command published before the saga's queue is
        // bound would be dropped by the exchange.
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            if (options.RunStateMachine)
            {
                bus.AddSagaStateMachine<JobStateMachine, JobSaga, JobSagaDefinition>().StoreRepository();
                bus.AddConsumer<DrainMonitor>();
                services.AddScoped<RecordTransition>();
                services.AddHostedService<ControlPlaneRecovery>();
            }

            participants?.Invoke(bus);
            if (options.Transport == ControlPlaneTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    var o = context.GetRequiredService<IOptions<ControlPlaneOptions>>().Value;
                    rabbit.Host(o.RabbitMqHost, (ushort)o.RabbitMqPort, o.RabbitMqVirtualHost, host =>
                    {
                        host.Username(o.RabbitMqUser);
                        host.Password(o.RabbitMqPassword);
                    });
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) => memory.ConfigureEndpoints(context));
            }
        });
        return builder;
    }
}
