using Synth.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddSynthDefaults("synth-api");
var app = builder.Build();
app.Run();
