using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using Synth.Contracts.Samples;

namespace Synth.Pipeline;

/// <summary>Creates the configured processor of a stage; every misconfiguration is an error that names the setting.</summary>
public static class ProcessorLoader
{
    public static ISampleGenerator CreateGenerator(IServiceProvider services, ProcessorOptions options) =>
        Create<ISampleGenerator>(services, options, Stage.Generator);

    public static ISampleProcessor CreateProcessor(IServiceProvider services, ProcessorOptions options, Stage stage)
    {
        if (stage == Stage.Generator)
        {
            throw new ArgumentException("The generator is a source; use CreateGenerator.", nameof(stage));
        }

        var processor = Create<ISampleProcessor>(services, options, stage);
        if (processor.Stage != stage)
        {
            throw new InvalidOperationException(
                $"{SettingName(stage)}: {processor.GetType().FullName} is a processor for stage {processor.Stage.Name()}, not {stage.Name()}.");
        }

        return processor;
    }

    /// <summary>Whether configuration names a processor type for the stage (which then replaces the stage module's built-in one).</summary>
    public static bool IsConfigured(ProcessorOptions options, Stage stage) => !string.IsNullOrWhiteSpace(TypeName(options, stage));

    /// <summary>The configuration key that names a stage's processor, e.g. "Processors:Filter".</summary>
    public static string SettingName(Stage stage) => $"{ProcessorOptions.SectionName}:{stage}";

    /// <summary>
    /// What is wrong with the processor type configured for a stage (not found, or not a processor), or null when it
    /// is fine or none is configured. Checked at start-up (<see cref="ProcessorOptions"/>), before anything runs.
    /// </summary>
    public static string? ConfigurationError(ProcessorOptions options, Stage stage)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IsConfigured(options, stage))
        {
            return null;
        }

        try
        {
            _ = ConfiguredType(options, stage, stage == Stage.Generator ? typeof(ISampleGenerator) : typeof(ISampleProcessor));
            return null;
        }
        catch (InvalidOperationException error)
        {
            return error.Message;
        }
    }

    private static T Create<T>(IServiceProvider services, ProcessorOptions options, Stage stage)
        where T : class =>
        (T)ActivatorUtilities.CreateInstance(services, ConfiguredType(options, stage, typeof(T)));

    private static Type ConfiguredType(ProcessorOptions options, Stage stage, Type expected)
    {
        var typeName = TypeName(options, stage);
        if (string.IsNullOrWhiteSpace(typeName))
        {
            throw new InvalidOperationException(
                $"{SettingName(stage)} is not set: name the {stage.Name()} processor type (and {ProcessorOptions.SectionName}:PluginAssembly for a plug-in).");
        }

        var type = FindType(typeName, options.PluginAssembly)
            ?? throw new InvalidOperationException(
                $"{SettingName(stage)}: type '{typeName}' was not found{(string.IsNullOrWhiteSpace(options.PluginAssembly) ? "" : $" in '{options.PluginAssembly}'")}.");
        if (!expected.IsAssignableFrom(type))
        {
            throw new InvalidOperationException($"{SettingName(stage)}: type '{type.FullName}' does not implement {expected.Name}.");
        }

        return type;
    }

    private static string? TypeName(ProcessorOptions options, Stage stage) => stage switch
    {
        Stage.Generator => options.Generator,
        Stage.Filter => options.Filter,
        Stage.LabelRefiner => options.LabelRefiner,
        Stage.Evaluator => options.Evaluator,
        _ => null,
    };

    private static Type? FindType(string typeName, string? pluginAssembly)
    {
        // "Namespace.Type, Assembly" names a built-in (or any deployed) type; the runtime loads its assembly.
        if (typeName.Contains(',', StringComparison.Ordinal))
        {
            return Type.GetType(typeName, throwOnError: false);
        }

        // An empty environment variable binds as "", which means "no plug-in", not "the current folder".
        if (!string.IsNullOrWhiteSpace(pluginAssembly))
        {
            var path = Path.GetFullPath(pluginAssembly);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{ProcessorOptions.SectionName}:PluginAssembly: file '{path}' does not exist.");
            }

            var assembly = LoadOnce(path);
            return assembly.GetType(typeName, throwOnError: false);
        }

        return Type.GetType(typeName, throwOnError: false)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(t => t is not null);
    }

    private static Assembly LoadOnce(string path)
    {
        // The plug-in shares the host's copies of Synth.* and framework assemblies (default context), so its
        // processors implement the very interfaces the host resolves.
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.Location, path, StringComparison.Ordinal));
        return loaded ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
