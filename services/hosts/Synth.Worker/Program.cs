using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Synth.Worker;

var builder = Host.CreateApplicationBuilder(args);
// `--stage filter` is the same setting as the environment variable Synth__Stage=filter.
builder.Configuration.AddCommandLine(args, WorkerRole.SwitchMappings);
builder.AddSynthWorker();
await builder.Build().RunAsync();
