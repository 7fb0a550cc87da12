using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Synth.ServiceDefaults;
using Synth.Store;
using Synth.Store.Mongo;
using Synth.Store.Sqlite;

namespace Synth.Cli;

/// <summary>What every synth command shares: the host over the one-machine store, and how it reports bad settings.</summary>
internal static class CliHost
{
    /// <param name="storePath">Overrides Store:SqlitePath (the --store option) when given.</param>
    /// <param name="logToStandardError">Log to stderr (stdout stays for the command's own output); otherwise no logging.</param>
    public static HostApplicationBuilder CreateBuilder(string? storePath, bool logToStandardError)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (storePath is not null)
        {
            builder.Configuration[$"{StoreOptions.SectionName}:{nameof(StoreOptions.SqlitePath)}"] = storePath;
        }

        builder.Logging.ClearProviders();
        if (logToStandardError)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.AddSynthDefaults("synth-cli");
        builder.Services.AddSynthStore().AddSqliteStore().AddMongoStore();
        return builder;
    }

    /// <summary>Prints each invalid setting and returns the exit code for a failed command.</summary>
    public static int ConfigurationFailed(OptionsValidationException error)
    {
        foreach (var message in error.Failures)
        {
            Console.Error.WriteLine($"error: configuration: {message}");
        }

        return ExitCodes.Failed;
    }
}
