using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Synth.Api;
using Synth.ControlPlane;
using Synth.Delivery.Processor;
using Synth.Contracts.Samples;
using Synth.Messaging.Kafka;
using Synth.Pipeline;
using Synth.ServiceDefaults;
using Synth.Store;
using Synth.Worker;

namespace Synth.Deployment.Tests;

/// <summary>
/// A configuration key an options class binds, e.g. "Kafka:BootstrapServers" or "Kafka:Settings:*"; in a section of
/// named entries (<paramref name="PerName"/>, e.g. "Connections:&lt;name&gt;:BaseUrl") a key of the entry type.
/// </summary>
public sealed record ConfigurationKey(string Section, Type OptionsType, PropertyInfo Property, bool AnySubKey, bool PerName = false)
{
    public string Key => $"{Section}:{(PerName ? "<name>:" : "")}{Property.Name}{(AnySubKey ? ":*" : "")}";

    public string EnvironmentName => Key.Replace(":", "__", StringComparison.Ordinal);

    public bool IsRequired => Property.GetCustomAttribute<RequiredAttribute>() is not null;

    /// <summary>The value a fresh options object has, i.e. what applies when nothing sets the key.</summary>
    public object? DefaultValue => Property.GetValue(Activator.CreateInstance(OptionsType));

    public bool HasDefault => DefaultValue switch
    {
        null => false,
        string s => s.Length > 0,
        _ => true,
    };
}

/// <summary>
/// The configuration keys of the Synth services, by reflection over the options classes they bind (section name from
/// each class's SectionName constant), so a key compose sets can be checked against what the code reads.
/// </summary>
public static class ConfigurationCatalog
{
    /// <summary>
    /// Options every stage role of the worker binds (AddSynthDefaults, AddSynthStore, AddSynthPipeline; ControlPlaneOptions because a
    /// deployment configures the ControlPlane section, which makes a stage take part in the control plane).
    /// </summary>
    public static IReadOnlyList<Type> CommonOptions { get; } =
    [
        typeof(InstanceOptions),
        typeof(TelemetryOptions),
        typeof(StoreOptions),
        typeof(ProcessorOptions),
        typeof(HealthOptions),
        typeof(KafkaOptions),
        typeof(ControlPlaneOptions),
    ];

    /// <summary>What the worker's controller role binds: AddSynthDefaults, AddHealthFile, AddSynthStore and AddSynthControlPlane (no Kafka).</summary>
    public static IReadOnlyList<Type> ControllerOptions { get; } =
    [
        typeof(InstanceOptions),
        typeof(TelemetryOptions),
        typeof(StoreOptions),
        typeof(HealthOptions),
        typeof(ControlPlaneOptions),
    ];

    /// <summary>
    /// What services/hosts/Synth.Api binds: AddSynthDefaults, ApiOptions, the control plane it submits jobs through, and
    /// Kafka for the curated records a review changes.
    /// </summary>
    public static IReadOnlyList<Type> ApiServiceOptions { get; } =
    [
        typeof(InstanceOptions),
        typeof(TelemetryOptions),
        typeof(StoreOptions),
        typeof(ProcessorOptions),
        typeof(ControlPlaneOptions),
        typeof(ApiOptions),
        typeof(ModelConnectionsOptions),
        typeof(KafkaOptions),
    ];

    /// <summary>What the worker's dataset-sink role binds: AddSynthDefaults, AddHealthFile, Kafka and DatasetSinkOptions (no store).</summary>
    public static IReadOnlyList<Type> DatasetSinkServiceOptions { get; } =
    [
        typeof(InstanceOptions),
        typeof(TelemetryOptions),
        typeof(HealthOptions),
        typeof(KafkaOptions),
        typeof(DatasetSinkOptions),
    ];

    /// <summary>Environment variable prefixes read by the platform rather than by Synth's options.</summary>
    public static IReadOnlyList<string> StandardPrefixes { get; } = ["Logging__", "DOTNET_", "OTEL_"];

    /// <summary>The options classes a stage's service binds: the common ones, plus GeneratorOptions for the generator.</summary>
    public static IReadOnlyList<Type> OptionsFor(Stage stage) =>
        stage == Stage.Generator ? [.. CommonOptions, typeof(GeneratorOptions)] : CommonOptions;

    /// <summary>
    /// The options classes the real stage host registers with BindConfiguration (an IOptionsChangeTokenSource each)
    /// and that carry a SectionName: what <see cref="OptionsFor"/> must cover.
    /// </summary>
    public static IReadOnlySet<Type> BoundByHost(Stage stage)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // As in the deployment: the ControlPlane section is configured, so the stage takes part in the control plane.
        builder.Configuration[$"{ControlPlaneOptions.SectionName}:{nameof(ControlPlaneOptions.Transport)}"] = nameof(ControlPlaneTransport.RabbitMq);
        builder.Configuration[WorkerRole.ConfigurationKey] = stage.Name();
        builder.AddSynthWorker();
        return builder.Services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is not null)
            .ToHashSet();
    }

    public static IReadOnlyList<Type> AllOptions { get; } = [.. CommonOptions, typeof(GeneratorOptions), typeof(ApiOptions), typeof(ModelConnectionsOptions)];

    public static string SectionOf(Type optionsType) =>
        optionsType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
        ?? throw new InvalidOperationException($"{optionsType.Name} has no SectionName constant.");

    public static IReadOnlyList<ConfigurationKey> KeysOf(Type optionsType)
    {
        // A section of named entries (Connections:<name>:BaseUrl) binds the entry type's keys under each name.
        var entryType = NamedEntryType(optionsType);
        return KeysOf(SectionOf(optionsType), entryType ?? optionsType, perName: entryType is not null);
    }

    /// <summary>The keys of a section's type; a property of a nested options type (Kafka:SchemaRegistry) is a sub-section of its own keys.</summary>
    private static List<ConfigurationKey> KeysOf(string section, Type type, bool perName) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .SelectMany(p => IsNestedOptions(p.PropertyType)
                ? KeysOf($"{section}:{p.Name}", p.PropertyType, perName)
                : [new ConfigurationKey(section, type, p, IsMap(p.PropertyType), perName)])
            .ToList();

    public static IReadOnlyList<ConfigurationKey> KeysFor(Stage stage) => OptionsFor(stage).SelectMany(KeysOf).ToList();

    /// <summary>
    /// The key an environment variable sets for a stage's service, or null when no options class of that service reads
    /// it. Names are case-insensitive, as configuration keys are; "__" separates sections.
    /// </summary>
    public static ConfigurationKey? Find(Stage stage, string environmentName) => Find(KeysFor(stage), environmentName);

    public static ConfigurationKey? Find(IEnumerable<ConfigurationKey> keys, string environmentName)
    {
        var parts = environmentName.Split("__");
        if (parts.Length < 2 || parts.Any(p => p.Length == 0))
        {
            return null;
        }

        return keys.FirstOrDefault(k =>
        {
            // In a section of named entries the entry's name comes before the key; a nested section has several parts.
            var section = k.Section.Split(':');
            var at = section.Length + (k.PerName ? 1 : 0);
            return parts.Length > at
                && section.Select((name, i) => string.Equals(name, parts[i], StringComparison.OrdinalIgnoreCase)).All(equal => equal)
                && string.Equals(k.Property.Name, parts[at], StringComparison.OrdinalIgnoreCase)
                && (k.AnySubKey ? parts.Length >= at + 2 : parts.Length == at + 1);
        });
    }

    public static bool IsStandard(string environmentName) =>
        StandardPrefixes.Any(p => environmentName.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The entry type of an options class that is a dictionary of named entries (ModelConnectionsOptions), or null.</summary>
    private static Type? NamedEntryType(Type optionsType) =>
        optionsType.BaseType is { IsGenericType: true } baseType && baseType.GetGenericTypeDefinition() == typeof(Dictionary<,>)
            ? baseType.GetGenericArguments()[1]
            : null;

    /// <summary>An options class of Synth's own, bound from a sub-section (KafkaOptions.SchemaRegistry).</summary>
    private static bool IsNestedOptions(Type type) =>
        type.IsClass && type.Namespace?.StartsWith("Synth.", StringComparison.Ordinal) == true && !IsMap(type);

    /// <summary>A dictionary or a list: configuration binds it from sub-keys (Kafka__Settings__&lt;name&gt;, Api__Keys__0__Name).</summary>
    private static bool IsMap(Type type) =>
        type.IsGenericType && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IList<>)))
        || ((typeof(IDictionary).IsAssignableFrom(type) || typeof(IList).IsAssignableFrom(type)) && type != typeof(string));
}
