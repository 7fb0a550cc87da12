using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Synth.ServiceDefaults;

/// <summary>
/// Runs a service host so that a start-up error (a missing or invalid setting) is one line naming the setting, then a
/// hint, and exit code 1; the full exception only with <c>--verbose</c> or at Debug log level.
/// </summary>
public static partial class ServiceRunner
{
    /// <summary>Prints a start-up error's full exception too.</summary>
    public const string VerboseSwitch = "--verbose";

    /// <summary>Builds the host from the arguments (less <see cref="VerboseSwitch"/>), checks it can start, runs it.</summary>
    /// <returns>The process exit code: 0 after a normal stop, 1 when it could not start.</returns>
    public static async Task<int> RunAsync(string serviceName, string[] args, Func<string[], IHost> build)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(build);
        var verbose = args.Contains(VerboseSwitch, StringComparer.Ordinal);
        // As a configuration switch, --verbose would take the next argument as its value.
        var hostArgs = args.Where(a => !string.Equals(a, VerboseSwitch, StringComparison.Ordinal)).ToArray();
        IHost? host = null;
        try
        {
            host = build(hostArgs);
            // What Host.StartAsync does first, done here so the error is reported before the host logs it with its trace.
            host.Services.GetService<IStartupValidator>()?.Validate();
        }
#pragma warning disable CA1031 // Any start-up failure becomes the one-line report; --verbose shows it whole.
        // Only a service that is its process reports and exits; a host started inside another program (WebApplicationFactory
        // in the tests, which also stops it with HostAbortedException) gets the exception itself.
        catch (Exception error) when (error is not HostAbortedException && IsProcessEntryPoint(build))
#pragma warning restore CA1031
        {
            var logger = host?.Services.GetService<ILoggerFactory>()?.CreateLogger(typeof(ServiceRunner));
            if (logger is not null)
            {
                LogStartupFailure(logger, serviceName, error);
            }

            await Console.Error.WriteLineAsync(Describe(serviceName, error, verbose)).ConfigureAwait(false);
            host?.Dispose();
            return 1;
        }

        using (host)
        {
            await host.RunAsync().ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The report of a start-up error: one line naming the setting, a hint, and with verbose the full exception.</summary>
    public static string Describe(string serviceName, Exception error, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(error);
        var problems = Problems(error).ToArray();
        var line = $"{serviceName} could not start: {string.Join(" ", problems)}";
        var hint = SettingPattern().Match(line) is { Success: true } setting
            ? $"hint: set {setting.Value} in appsettings.json, as the environment variable {setting.Value.Replace(":", "__", StringComparison.Ordinal)} or as --{setting.Value}=<value>"
            : "hint: settings come from appsettings.json, environment variables (Section__Key) and --Section:Key=<value> arguments";
        var details = verbose ? Environment.NewLine + error : $"; {VerboseSwitch} shows the full error";
        return $"{line}{Environment.NewLine}{hint} (docs/operations.md){details}";
    }

    private static bool IsProcessEntryPoint(Delegate build) => build.Method.Module.Assembly == Assembly.GetEntryAssembly();

    private static IEnumerable<string> Problems(Exception error) => error switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Problems),
        OptionsValidationException validation => validation.Failures.Select(failure => Problem(validation.OptionsType, failure)),
        _ => [error.Message],
    };

    /// <summary>A validation failure that names the setting: "Kafka:BootstrapServers: The BootstrapServers field is required."</summary>
    private static string Problem(Type optionsType, string failure)
    {
        var annotation = DataAnnotationFailure().Match(failure);
        if (!annotation.Success)
        {
            return failure;
        }

        var message = annotation.Groups["error"].Value;
        // Messages of the options' own checks already start with the setting, e.g. "Api:Keys is empty: ...".
        if (SettingPattern().IsMatch(message))
        {
            return message;
        }

        var section = optionsType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string ?? optionsType.Name;
        var members = annotation.Groups["members"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return members.Length == 0 ? $"{section}: {message}" : $"{string.Join(", ", members.Select(m => $"{section}:{m}"))}: {message}";
    }

    // The framework's format for a [Required], [Range], ... failure (ValidateDataAnnotations).
    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    /// <summary>A configuration key such as "Kafka:BootstrapServers" or "Api:Keys:0:Key".</summary>
    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(?::[A-Za-z0-9]+)+")]
    private static partial Regex SettingPattern();

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Service} could not start")]
    private static partial void LogStartupFailure(ILogger logger, string service, Exception error);
}
