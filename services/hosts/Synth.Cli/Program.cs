using Synth.Cli;

return await SynthCommand.Create().Parse(args).InvokeAsync();
