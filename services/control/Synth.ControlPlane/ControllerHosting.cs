using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Synth.Store;

namespace Synth.ControlPlane;

/// <summary>The wiring of the control-plane role of a deployment (the worker's <c>--stage controller</c>).</summary>
public static class ControllerHosting
{
    /// <summary>
    /// The job state machine with its sagas in the store, the drain monitor and recovery on start, on RabbitMQ. Needs
    /// the store registered (<c>AddSynthStore</c>).
    /// </summary>
    public static IHostApplicationBuilder AddSynthController(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // Registered before the bus: hosted services start in order, and recovery reads the sagas once the bus is up.
        services.AddHostedService<StoreInitialization>();
        // This host exists to run the state machine for other processes: without it jobs would never move, and on an
        // in-memory bus nothing else could reach it.
        services.AddOptions<ControlPlaneOptions>()
            .Validate(o => o.RunStateMachine, "ControlPlane:RunStateMachine must be true in the controller: it is the process that runs the job state machine.")
            .Validate(o => o.Transport == ControlPlaneTransport.RabbitMq,
                "ControlPlane:Transport must be RabbitMq in the controller: the stages and the api reach it over RabbitMQ (InMemory is for one process, synth run).");
        return builder.AddSynthControlPlane();
    }
}
