using Microsoft.Extensions.Hosting;
using Synth.Contracts.Samples;
using Synth.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSynthStage(Stage.LabelRefiner);
await builder.Build().RunAsync();
