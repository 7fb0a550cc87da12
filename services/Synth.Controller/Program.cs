using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Synth.ControlPlane;
using Synth.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSynthDefaults("synth-controller");
var services = builder.Services;
services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
// Registered before the bus: hosted services start in order, and recovery reads the sagas as soon as the bus is up.
services.AddHostedService<StoreInitialization>();
services.AddHealthFile();
// This host exists to run the state machine for other processes: without it jobs would never move, and on an
// in-memory bus nothing else could reach it.
services.AddOptions<ControlPlaneOptions>()
    .Validate(o => o.RunStateMachine, "ControlPlane:RunStateMachine must be true in the controller: it is the process that runs the job state machine.")
    .Validate(o => o.Transport == ControlPlaneTransport.RabbitMq,
        "ControlPlane:Transport must be RabbitMq in the controller: the stages and the api reach it over RabbitMQ (InMemory is for one process, synth run).");
builder.AddSynthControlPlane();
await builder.Build().RunAsync();
