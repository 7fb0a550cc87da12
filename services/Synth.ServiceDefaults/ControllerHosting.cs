using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Synth.ControlPlane;

namespace Synth.ServiceDefaults;

/// <summary>The wiring of the control-plane host of a deployment (services/Synth.Controller).</summary>
public static class ControllerHosting
{
    /// <summary>
    /// The job state machine with its sagas in the store, the drain monitor and recovery on start, on RabbitMQ, with
    /// the health-file liveness of the stage services. Call after <see cref="SynthHosting.AddSynthDefaults"/>.
    /// </summary>
    public static IHostApplicationBuilder AddSynthController(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        // Registered before the bus: hosted services start in order, and recovery reads the sagas once the bus is up.
        services.AddHostedService<StoreInitialization>();
        services.AddHealthFile();
        // This host exists to run the state machine for other processes: without it jobs would never move, and on an
        // in-memory bus nothing else could reach it.
        services.AddOptions<ControlPlaneOptions>()
            .Validate(o => o.RunStateMachine, "ControlPlane:RunStateMachine must be true in the controller: it is the process that runs the job state machine.")
            .Validate(o => o.Transport == ControlPlaneTransport.RabbitMq,
                "ControlPlane:Transport must be RabbitMq in the controller: the stages and the api reach it over RabbitMQ (InMemory is for one process, synth run).");
        return builder.AddSynthControlPlane();
    }
}
