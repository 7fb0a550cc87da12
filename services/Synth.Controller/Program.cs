using Microsoft.Extensions.Hosting;
using Synth.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddSynthDefaults("synth-controller");
builder.AddSynthController();
await builder.Build().RunAsync();
