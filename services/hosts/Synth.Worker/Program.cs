using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Synth.ServiceDefaults;
using Synth.Worker;

return await ServiceRunner.RunAsync("synth-worker", args, hostArgs =>
{
    var builder = Host.CreateApplicationBuilder(hostArgs);
    // `--stage filter` is the same setting as the environment variable Synth__Stage=filter.
    builder.Configuration.AddCommandLine(hostArgs, WorkerRole.SwitchMappings);
    builder.AddSynthWorker();
    return builder.Build();
});
