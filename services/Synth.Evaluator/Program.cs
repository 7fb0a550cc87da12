using Microsoft.Extensions.Hosting;
using Synth.Contracts.Samples;
using Synth.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSynthStage(Stage.Evaluator);
await builder.Build().RunAsync();
