using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Synth.ControlPlane;
using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Jobs;
using Synth.Messaging;
using Synth.ServiceDefaults;
using Synth.Store;

namespace Synth.Deployment.Tests;

/// <summary>
/// The checks, each returning the problems it finds (empty = fine), so the tests can run them on the real files and
/// also on deliberately broken ones to prove each check can fail.
/// </summary>
public static partial class DeploymentChecks
{
    public const string KafkaService = "kafka";
    public const string KafkaInitService = "kafka-init";
    public const string MongoService = "mongo";
    public const string JaegerService = "jaeger";

    // ------------------------------------------------------------------ services and builds

    public static IEnumerable<string> StageServices(ComposeFile compose, string repoRoot)
    {
        foreach (var stage in Repo.Stages)
        {
            var name = Repo.ServiceName(stage);
            if (!compose.Services.TryGetValue(name, out var service))
            {
                yield return $"docker-compose.yml has no service '{name}' for the {stage} stage.";
                continue;
            }

            if (service.Build is not { } build)
            {
                yield return $"{name}: no build: section (each stage is built from the worker's Dockerfile).";
                continue;
            }

            var context = Path.GetFullPath(Path.Combine(repoRoot, build.Context));
            if (!string.Equals(context.TrimEnd(Path.DirectorySeparatorChar), repoRoot.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            {
                yield return $"{name}: build.context '{build.Context}' is not the repository root (the Dockerfiles copy Directory.*.props from it).";
            }

            var expected = $"{Repo.ProjectFolder(stage)}/Dockerfile";
            if (Repo.Normalize(build.Dockerfile) != expected)
            {
                yield return $"{name}: build.dockerfile is '{build.Dockerfile}', expected '{expected}'.";
            }

            if (!File.Exists(Path.Combine(context, build.Dockerfile)))
            {
                yield return $"{name}: build.dockerfile '{build.Dockerfile}' does not exist.";
            }

            if (service.Command is not ["--stage", var role] || role != name)
            {
                yield return $"{name}: command is [{string.Join(", ", service.Command)}], expected [--stage, {name}] (the worker's role).";
            }

            if (service.ContainerName is not null)
            {
                yield return $"{name}: container_name is set; a scalable service must not name its container (--scale would clash).";
            }

            if (service.Ports.Count > 0)
            {
                yield return $"{name}: publishes host ports ({string.Join(", ", service.Ports)}); replicas of a scaled stage would clash.";
            }

            if (service.Restart is not ("unless-stopped" or "always"))
            {
                yield return $"{name}: restart is '{service.Restart ?? "(none)"}', expected unless-stopped.";
            }

            var dependsOn = service.DependsOn;
            if (dependsOn.GetValueOrDefault(KafkaInitService) != "service_completed_successfully")
            {
                yield return $"{name}: must depend on {KafkaInitService} with condition service_completed_successfully (topics exist before a stage starts).";
            }

            if (dependsOn.GetValueOrDefault(MongoService) != "service_healthy")
            {
                yield return $"{name}: must depend on {MongoService} with condition service_healthy (the replica set is initiated by its healthcheck).";
            }

            foreach (var dependency in dependsOn.Keys.Where(d => !compose.Services.ContainsKey(d)))
            {
                yield return $"{name}: depends on '{dependency}', which is not a service in the file.";
            }
        }
    }

    // ------------------------------------------------------------------ environment → configuration keys

    /// <summary>Every environment variable of a Synth service (stages, controller, api) is a configuration key that service reads.</summary>
    public static IEnumerable<string> EnvironmentKeys(ComposeFile compose, IReadOnlySet<string> passThroughSecrets)
    {
        foreach (var synth in Repo.SynthServices)
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            foreach (var (name, value) in service.Environment)
            {
                if (value is null)
                {
                    if (!passThroughSecrets.Contains(name))
                    {
                        yield return $"{service.Name}: environment variable '{name}' has no value; only API keys named by a job spec's apiKeyEnv ({string.Join(", ", passThroughSecrets)}) pass through from the shell.";
                    }

                    continue;
                }

                if (passThroughSecrets.Contains(name))
                {
                    yield return $"{service.Name}: '{name}' is an API key; pass it through from the shell (no value) instead of writing it into the file.";
                    continue;
                }

                if (ConfigurationCatalog.IsStandard(name))
                {
                    if (name.StartsWith("Logging__LogLevel__", StringComparison.Ordinal) && !Enum.TryParse<LogLevel>(value, ignoreCase: true, out _))
                    {
                        yield return $"{service.Name}: {name}='{value}' is not a log level ({string.Join(", ", Enum.GetNames<LogLevel>())}).";
                    }

                    continue;
                }

                if (ConfigurationCatalog.Find(synth.Keys, name) is not null)
                {
                    continue;
                }

                var elsewhere = Repo.SynthServices.Where(s => s != synth && ConfigurationCatalog.Find(s.Keys, name) is not null).Select(s => s.Name).ToList();
                var hint = elsewhere.Count > 0
                    ? $" (only the {string.Join(", ", elsewhere)} service reads it)"
                    : Suggest(name, synth) is { } suggestion ? $" (did you mean '{suggestion}'?)" : "";
                yield return $"{service.Name}: environment variable '{name}' is not a configuration key of the {synth.Stage?.ToString() ?? synth.Name} service{hint}.";
            }
        }
    }

    /// <summary>
    /// Every [Required] key without a default is set by compose itself (not left to appsettings.json, whose
    /// values are for a developer's machine), and Processors:&lt;Stage&gt; is taken from a variable.
    /// </summary>
    public static IEnumerable<string> RequiredKeys(ComposeFile compose)
    {
        foreach (var synth in Repo.SynthServices)
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            var env = service.Environment;
            foreach (var key in synth.Keys.Where(k => k.IsRequired && !k.HasDefault))
            {
                var set = env.FirstOrDefault(e => string.Equals(e.Key, key.EnvironmentName, StringComparison.OrdinalIgnoreCase));
                if (string.IsNullOrWhiteSpace(set.Value))
                {
                    yield return $"{service.Name}: required key {key.Key} is not set (environment variable {key.EnvironmentName}).";
                }
            }

            // The dataset sink reads no store.
            if (synth.Options.Contains(typeof(StoreOptions))
                && (env.GetValueOrDefault("Store__Provider") is not { } provider
                    || !string.Equals(provider, nameof(StoreProvider.Mongo), StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{service.Name}: Store__Provider must be Mongo in a deployment (SQLite is for one machine).";
            }

            if (synth.Stage is not { } stage)
            {
                continue;
            }

            var processorKey = $"Processors__{stage}";
            var raw = service.RawEnvironment.FirstOrDefault(e => string.Equals(e.Key, processorKey, StringComparison.OrdinalIgnoreCase)).Value;
            if (raw is null || !raw.Contains("${", StringComparison.Ordinal))
            {
                yield return $"{service.Name}: {processorKey} must come from a variable (${{SYNTH_..._PROCESSOR:-}}) until built-in stages land.";
            }
        }
    }

    /// <summary>
    /// Binds each options class from what the container sees (appsettings.json, the image's ENV, compose's environment)
    /// and validates it as ValidateDataAnnotations/ValidateOnStart do; enum values must be names; no value may resolve
    /// to an empty string except a processor type name (whose absence the loader reports by name).
    /// </summary>
    public static IEnumerable<string> Values(ComposeFile compose, string repoRoot)
    {
        foreach (var synth in Repo.SynthServices)
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            var env = service.Environment;
            foreach (var (name, value) in env)
            {
                if (value is null || ConfigurationCatalog.Find(synth.Keys, name) is not { } key)
                {
                    continue;
                }

                if (value.Length == 0)
                {
                    if (!(key.OptionsType == typeof(Pipeline.ProcessorOptions) && key.Property.Name == synth.Stage?.ToString()))
                    {
                        yield return $"{service.Name}: {name} resolves to an empty value by default; configuration binds \"\" as a value (an error for numbers, a path \"\" for strings). Give the variable a default.";
                    }

                    continue;
                }

                var type = Nullable.GetUnderlyingType(key.Property.PropertyType) ?? key.Property.PropertyType;
                if (type.IsEnum && !Enum.GetNames(type).Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    yield return $"{service.Name}: {name}='{value}' is not one of {string.Join(", ", Enum.GetNames(type))}.";
                }
            }

            var configuration = EffectiveConfiguration(service, repoRoot, synth.ProjectFolder, useImageEnv: true);
            foreach (var optionsType in synth.Options)
            {
                var section = ConfigurationCatalog.SectionOf(optionsType);
                var options = Activator.CreateInstance(optionsType)!;
                string? bindError = null;
                try
                {
                    configuration.GetSection(section).Bind(options);
                }
                catch (InvalidOperationException e)
                {
                    bindError = e.Message;
                }

                if (bindError is not null)
                {
                    yield return $"{service.Name}: {bindError}";
                    continue;
                }

                var results = new List<ValidationResult>();
                if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
                {
                    foreach (var result in results)
                    {
                        yield return $"{service.Name}: {section} options are invalid: {result.ErrorMessage} ({string.Join(", ", result.MemberNames.Select(m => $"{section}:{m}"))})";
                    }
                }
            }
        }
    }

    /// <summary>What a service's configuration is in its container: appsettings.json, then the image's ENV, then compose.</summary>
    public static IConfiguration EffectiveConfiguration(ComposeService service, string repoRoot, string projectFolder, bool useImageEnv)
    {
        static IEnumerable<KeyValuePair<string, string?>> AsKeys(IEnumerable<KeyValuePair<string, string?>> env) =>
            env.Where(e => e.Value is not null && !e.Key.StartsWith("DOTNET_", StringComparison.Ordinal))
                .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value));

        var builder = new ConfigurationBuilder().AddJsonFile(Path.Combine(repoRoot, projectFolder, "appsettings.json"), optional: true);
        if (useImageEnv && File.Exists(Path.Combine(repoRoot, projectFolder, "Dockerfile")))
        {
            var dockerfile = Dockerfile.Load(Path.Combine(repoRoot, projectFolder, "Dockerfile"));
            builder.AddInMemoryCollection(AsKeys(dockerfile.Env(dockerfile.FinalStage).Select(e => new KeyValuePair<string, string?>(e.Key, e.Value))));
        }

        return builder.AddInMemoryCollection(AsKeys(service.Environment)).Build();
    }

    // ------------------------------------------------------------------ host names and endpoints

    /// <summary>Hosts named in a Synth service's values (URIs, host:port lists) are services of the file.</summary>
    /// <summary>Settings that are links for the user's browser (the trace viewer), not addresses the container dials.</summary>
    public static readonly IReadOnlySet<string> BrowserLinks = new HashSet<string>(StringComparer.Ordinal) { "Api__TraceViewerUrl" };

    public static IEnumerable<string> Hostnames(ComposeFile compose)
    {
        var known = compose.Services.Values
            .SelectMany(s => new[] { s.Name, s.Hostname })
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var synth in Repo.SynthServices)
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            var extraHosts = service.ExtraHosts.Select(h => h.Split(':', '=')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in service.Environment)
            {
                // A link the service hands to the user's browser names a host as the browser sees it.
                if (value is null || BrowserLinks.Contains(name))
                {
                    continue;
                }

                foreach (var host in HostsIn(value))
                {
                    if (host is "localhost" or "127.0.0.1" or "::1" or "[::1]")
                    {
                        yield return $"{service.Name}: {name}='{value}' points at {host}, which in a container is the container itself.";
                    }
                    else if (!known.Contains(host) && !extraHosts.Contains(host))
                    {
                        yield return $"{service.Name}: {name}='{value}' names host '{host}', which is not a service of docker-compose.yml.";
                    }
                }
            }
        }
    }

    /// <summary>Kafka, MongoDB and OTLP endpoints match what those services listen on.</summary>
    public static IEnumerable<string> Endpoints(ComposeFile compose)
    {
        var kafka = compose.Services.GetValueOrDefault(KafkaService);
        var mongo = compose.Services.GetValueOrDefault(MongoService);
        var jaeger = compose.Services.GetValueOrDefault(JaegerService);
        var advertised = kafka?.Environment.GetValueOrDefault("KAFKA_ADVERTISED_LISTENERS") is { } a
            ? a.Split(',').Select(l => l[(l.IndexOf("://", StringComparison.Ordinal) + 3)..]).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        var replicaSet = mongo is null ? null : ArgumentAfter(mongo.Command, "--replSet");

        foreach (var synth in Repo.SynthServices)
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            var env = service.Environment;
            if (env.GetValueOrDefault("Kafka__BootstrapServers") is { } bootstrap)
            {
                foreach (var server in bootstrap.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!advertised.Contains(server))
                    {
                        yield return $"{service.Name}: Kafka__BootstrapServers '{server}' is not one of kafka's advertised listeners ({string.Join(", ", advertised)}).";
                    }
                }
            }

            if (env.GetValueOrDefault("Store__MongoUri") is { } uri)
            {
                var set = Regex.Match(uri, @"[?&]replicaSet=([^&]+)").Groups[1].Value;
                if (replicaSet is null)
                {
                    yield return $"{MongoService}: not started as a replica set (--replSet); the store's transactions need one.";
                }
                else if (set != replicaSet && !uri.Contains("directConnection=true", StringComparison.Ordinal))
                {
                    yield return $"{service.Name}: Store__MongoUri '{uri}' does not name replica set '{replicaSet}' (replicaSet={replicaSet}).";
                }
            }

            if (env.GetValueOrDefault("Telemetry__OtlpEndpoint") is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var otlp))
            {
                var protocol = env.GetValueOrDefault("Telemetry__OtlpProtocol") ?? new TelemetryOptions().OtlpProtocol;
                var expectedPort = protocol == "grpc" ? 4317 : 4318;
                if (otlp.Port != expectedPort)
                {
                    yield return $"{service.Name}: Telemetry__OtlpEndpoint '{endpoint}' uses port {otlp.Port}, but OTLP over {protocol} is served on {expectedPort}.";
                }

                if (otlp.Host == JaegerService && jaeger?.Environment.GetValueOrDefault("COLLECTOR_OTLP_ENABLED") != "true")
                {
                    yield return $"{JaegerService}: COLLECTOR_OTLP_ENABLED is not \"true\".";
                }
            }
        }
    }

    // ------------------------------------------------------------------ health

    /// <summary>The probe a stage container gets reads the file the service writes (Health:FilePath), and checks it is fresh.</summary>
    public static IEnumerable<string> HealthChecks(ComposeFile compose, string repoRoot)
    {
        foreach (var synth in Repo.SynthServices.Where(s => s.WritesHealthFile))
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            var dockerfilePath = Path.Combine(repoRoot, synth.ProjectFolder, "Dockerfile");
            var dockerfile = File.Exists(dockerfilePath) ? Dockerfile.Load(dockerfilePath) : null;
            var imageEnv = dockerfile?.Env(dockerfile.FinalStage) ?? new Dictionary<string, string>();
            var filePath = service.Environment.GetValueOrDefault("Health__FilePath") ?? imageEnv.GetValueOrDefault("Health__FilePath");
            if (string.IsNullOrEmpty(filePath))
            {
                yield return $"{service.Name}: Health__FilePath is set neither by compose nor by the image, so no health file is written.";
                continue;
            }

            var probes = new List<(string Where, string Command)>();
            if (service.HealthcheckTest is { Count: > 0 } test)
            {
                if (test[0] != "CMD-SHELL" || test.Count != 2)
                {
                    yield return $"{service.Name}: healthcheck.test should be [\"CMD-SHELL\", \"…\"] (it uses a pipe).";
                }

                probes.Add(("docker-compose.yml healthcheck", string.Join(' ', test.Skip(1))));
            }

            if (dockerfile?.HealthcheckCommand(dockerfile.FinalStage) is { } imageProbe)
            {
                probes.Add(($"{synth.ProjectFolder}/Dockerfile HEALTHCHECK", imageProbe));

                // The image's probe must also match the image's own ENV (a container run without compose).
                if (imageEnv.GetValueOrDefault("Health__FilePath") is { } imagePath)
                {
                    foreach (var path in PathsIn(imageProbe).Where(p => p != imagePath))
                    {
                        yield return $"{synth.ProjectFolder}/Dockerfile: HEALTHCHECK reads '{path}' but ENV Health__FilePath is '{imagePath}'.";
                    }
                }
            }

            if (probes.Count == 0)
            {
                yield return $"{service.Name}: no healthcheck, neither in docker-compose.yml nor in the image.";
            }

            var interval = int.TryParse(service.Environment.GetValueOrDefault("Health__IntervalSeconds"), CultureInfo.InvariantCulture, out var s) ? s : new HealthOptions().IntervalSeconds;
            foreach (var (where, command) in probes)
            {
                var paths = PathsIn(command);
                if (paths.Count == 0)
                {
                    yield return $"{service.Name}: {where} reads no file: '{command}'.";
                }

                foreach (var path in paths.Where(p => p != filePath))
                {
                    yield return $"{service.Name}: {where} reads '{path}', but the service writes its health to Health__FilePath '{filePath}'.";
                }

                var fresh = MinutesWindow().Match(command);
                if (!fresh.Success)
                {
                    yield return $"{service.Name}: {where} does not check that the health file is fresh (find … -mmin -N).";
                }
                else if (int.Parse(fresh.Groups[1].Value, CultureInfo.InvariantCulture) * 60 < 3 * interval)
                {
                    yield return $"{service.Name}: {where} allows {fresh.Groups[1].Value} min, too little for a file rewritten every {interval} s.";
                }

                if (!command.Contains("\"status\":\"Healthy\"", StringComparison.Ordinal))
                {
                    yield return $"{service.Name}: {where} does not check the overall \"status\":\"Healthy\".";
                }
            }
        }
    }

    // ------------------------------------------------------------------ Kafka, topics, MongoDB

    public static IEnumerable<string> Kafka(ComposeFile compose, string repoRoot)
    {
        if (!compose.Services.TryGetValue(KafkaService, out var kafka))
        {
            yield return $"docker-compose.yml has no '{KafkaService}' service.";
            yield break;
        }

        var env = kafka.Environment;
        if (kafka.Image?.StartsWith("apache/kafka:", StringComparison.Ordinal) != true)
        {
            yield return $"{KafkaService}: image '{kafka.Image}' is not the official apache/kafka image.";
        }

        var roles = (env.GetValueOrDefault("KAFKA_PROCESS_ROLES") ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (!roles.Contains("broker") || !roles.Contains("controller"))
        {
            yield return $"{KafkaService}: KAFKA_PROCESS_ROLES must be broker,controller (single-node KRaft).";
        }

        var nodeId = env.GetValueOrDefault("KAFKA_NODE_ID");
        if (env.GetValueOrDefault("KAFKA_CONTROLLER_QUORUM_VOTERS") is not { } voters || !voters.StartsWith($"{nodeId}@", StringComparison.Ordinal))
        {
            yield return $"{KafkaService}: KAFKA_CONTROLLER_QUORUM_VOTERS must name node {nodeId} itself.";
        }

        if (env.GetValueOrDefault("KAFKA_AUTO_CREATE_TOPICS_ENABLE") != "false")
        {
            yield return $"{KafkaService}: KAFKA_AUTO_CREATE_TOPICS_ENABLE must be \"false\" (topics come from infra/kafka/topics.txt).";
        }

        foreach (var key in new[] { "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR" })
        {
            if (env.GetValueOrDefault(key) != "1")
            {
                yield return $"{KafkaService}: {key} must be 1 on a single node (the default 3 keeps consumer groups or transactions from ever starting).";
            }
        }

        var protocolMap = (env.GetValueOrDefault("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP") ?? "").Split(',').Select(p => p.Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        var listeners = ListenerNames(env.GetValueOrDefault("KAFKA_LISTENERS"));
        foreach (var listener in ListenerNames(env.GetValueOrDefault("KAFKA_ADVERTISED_LISTENERS")).Where(l => !listeners.Contains(l) || !protocolMap.Contains(l)))
        {
            yield return $"{KafkaService}: advertised listener {listener} is missing from KAFKA_LISTENERS or KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.";
        }

        foreach (var name in new[] { env.GetValueOrDefault("KAFKA_CONTROLLER_LISTENER_NAMES"), env.GetValueOrDefault("KAFKA_INTER_BROKER_LISTENER_NAME") })
        {
            if (name is null || !listeners.Contains(name) || !protocolMap.Contains(name))
            {
                yield return $"{KafkaService}: listener '{name}' (controller / inter-broker) is not defined in KAFKA_LISTENERS and the protocol map.";
            }
        }

        if (kafka.HealthcheckTest is null)
        {
            yield return $"{KafkaService}: no healthcheck, so kafka-init cannot wait for it.";
        }

        // The one-shot topic creation.
        if (!compose.Services.TryGetValue(KafkaInitService, out var init))
        {
            yield return $"docker-compose.yml has no '{KafkaInitService}' service.";
            yield break;
        }

        if (init.Image != kafka.Image)
        {
            yield return $"{KafkaInitService}: image '{init.Image}' differs from kafka's '{kafka.Image}' (it uses that image's kafka-topics.sh).";
        }

        if (init.Restart is not (null or "no"))
        {
            yield return $"{KafkaInitService}: restart '{init.Restart}' would rerun a one-shot job forever; use \"no\".";
        }

        if (init.DependsOn.GetValueOrDefault(KafkaService) != "service_healthy")
        {
            yield return $"{KafkaInitService}: must depend on {KafkaService} with condition service_healthy.";
        }

        var mount = init.Volumes.FirstOrDefault(v => Repo.Normalize(v.Source) == "infra/kafka");
        if (mount.Target is null)
        {
            yield return $"{KafkaInitService}: does not mount ./infra/kafka.";
        }
        else
        {
            if (!mount.ReadOnly)
            {
                yield return $"{KafkaInitService}: mounts ./infra/kafka read-write; mount it :ro.";
            }

            var script = $"{mount.Target.TrimEnd('/')}/create-topics.sh";
            if (!init.Command.Any(c => c.Contains(script, StringComparison.Ordinal)))
            {
                yield return $"{KafkaInitService}: command [{string.Join(", ", init.Command)}] does not run {script}.";
            }
        }

        var initEnv = init.Environment;
        if (initEnv.GetValueOrDefault("KAFKA_BOOTSTRAP") is not { } initBootstrap || !ListenerAddresses(env.GetValueOrDefault("KAFKA_ADVERTISED_LISTENERS")).Contains(initBootstrap))
        {
            yield return $"{KafkaInitService}: KAFKA_BOOTSTRAP must be kafka's in-network advertised listener.";
        }

        if (initEnv.GetValueOrDefault("REPLICATION_FACTOR") is { } rf && rf != "1")
        {
            yield return $"{KafkaInitService}: REPLICATION_FACTOR {rf} is more than the single broker.";
        }

        if (initEnv.GetValueOrDefault("KAFKA_TOPICS") is not { } tool || !tool.StartsWith("/opt/kafka/bin/", StringComparison.Ordinal))
        {
            yield return $"{KafkaInitService}: KAFKA_TOPICS should be /opt/kafka/bin/kafka-topics.sh (the apache/kafka image does not put it on PATH).";
        }

        // The topics the script will create: the file parses and holds every topic the stages use.
        var topicsPath = Path.Combine(repoRoot, "infra", "kafka", "topics.txt");
        IReadOnlyList<TopicDefinition>? topics = null;
        string? parseError = null;
        try
        {
            topics = TopicsFile.WithDeadLetterTopics(TopicsFile.Load(topicsPath));
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            parseError = e.Message;
        }

        if (parseError is not null)
        {
            yield return $"infra/kafka/topics.txt: {parseError}";
            yield break;
        }

        var names = topics!.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var topic in new[] { Topics.Generated, Topics.Accepted, Topics.Rejected, Topics.Refined, Topics.Feedback }.SelectMany(t => new[] { t, Topics.DeadLetter(t) }))
        {
            if (!names.Contains(topic))
            {
                yield return $"infra/kafka/topics.txt: topic '{topic}' is missing, and auto-creation is off.";
            }
        }
    }

    public static IEnumerable<string> Infrastructure(ComposeFile compose)
    {
        if (!compose.Services.TryGetValue(MongoService, out var mongo))
        {
            yield return $"docker-compose.yml has no '{MongoService}' service.";
        }
        else
        {
            if (mongo.Image?.StartsWith("mongo:8", StringComparison.Ordinal) != true)
            {
                yield return $"{MongoService}: image '{mongo.Image}' is not mongo:8.";
            }

            var set = ArgumentAfter(mongo.Command, "--replSet");
            var probe = string.Join(' ', mongo.HealthcheckTest ?? []);
            if (set is null)
            {
                yield return $"{MongoService}: not started with --replSet.";
            }
            else if (!probe.Contains("rs.initiate", StringComparison.Ordinal) || !probe.Contains($"'{set}'", StringComparison.Ordinal)
                || !probe.Contains($"'{mongo.Hostname ?? mongo.Name}:27017'", StringComparison.Ordinal))
            {
                yield return $"{MongoService}: the healthcheck must initiate replica set '{set}' with member '{mongo.Hostname ?? mongo.Name}:27017'.";
            }
        }

        if (!compose.Services.TryGetValue("rabbitmq", out var rabbit) || rabbit.Image?.StartsWith("rabbitmq:4", StringComparison.Ordinal) != true
            || rabbit.Image?.EndsWith("management", StringComparison.Ordinal) != true)
        {
            yield return "docker-compose.yml needs a 'rabbitmq' service on rabbitmq:4-management.";
        }

        if (!compose.Services.TryGetValue(JaegerService, out var jaeger) || jaeger.Image?.Contains("jaeger", StringComparison.Ordinal) != true)
        {
            yield return $"docker-compose.yml needs a '{JaegerService}' service.";
        }
        else
        {
            foreach (var port in new[] { "4317", "4318", "16686" }.Where(p => !jaeger.Ports.Any(x => x.EndsWith($":{p}", StringComparison.Ordinal))))
            {
                yield return $"{JaegerService}: port {port} is not published.";
            }
        }
    }

    // ------------------------------------------------------------------ control plane and API

    public const string RabbitMqService = "rabbitmq";

    /// <summary>The service that runs the job state machine; every other Synth service only takes part.</summary>
    public const string ControllerService = "controller";

    /// <summary>
    /// Every Synth service reaches the control plane on RabbitMQ at the rabbitmq service with the credentials that
    /// service is created with, waits for it to be healthy, and exactly the controller runs the state machine.
    /// </summary>
    public static IEnumerable<string> ControlPlaneWiring(ComposeFile compose)
    {
        if (!compose.Services.TryGetValue(RabbitMqService, out var rabbit))
        {
            yield return $"docker-compose.yml has no '{RabbitMqService}' service.";
            yield break;
        }

        var rabbitHosts = new[] { rabbit.Name, rabbit.Hostname }.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var defaults = new ControlPlaneOptions();
        var user = rabbit.Environment.GetValueOrDefault("RABBITMQ_DEFAULT_USER") ?? defaults.RabbitMqUser;
        var password = rabbit.Environment.GetValueOrDefault("RABBITMQ_DEFAULT_PASS") ?? defaults.RabbitMqPassword;
        // The dataset sink takes no part in the control plane.
        foreach (var synth in Repo.SynthServices.Where(s => s.Options.Contains(typeof(ControlPlaneOptions))))
        {
            if (!compose.Services.TryGetValue(synth.Name, out var service))
            {
                continue;
            }

            var env = service.Environment;
            string Value(string key) => env.GetValueOrDefault($"ControlPlane__{key}") ?? "";
            if (!string.Equals(Value("Transport"), nameof(ControlPlaneTransport.RabbitMq), StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{service.Name}: ControlPlane__Transport is '{Value("Transport")}', expected RabbitMq (separate containers share no in-memory bus).";
                continue;
            }

            if (!rabbitHosts.Contains(Value("RabbitMqHost")))
            {
                yield return $"{service.Name}: ControlPlane__RabbitMqHost '{Value("RabbitMqHost")}' is not the {RabbitMqService} service.";
            }

            if (env.GetValueOrDefault("ControlPlane__RabbitMqPort") is { } port && port != "5672")
            {
                yield return $"{service.Name}: ControlPlane__RabbitMqPort {port} is not the port RabbitMQ listens on inside the network (5672).";
            }

            if (Value("RabbitMqUser") != user)
            {
                yield return $"{service.Name}: ControlPlane__RabbitMqUser '{Value("RabbitMqUser")}' is not the user {RabbitMqService} creates ('{user}').";
            }

            // The password is a credential: the message names it without echoing either value.
            if (Value("RabbitMqPassword") != password)
            {
                yield return $"{service.Name}: ControlPlane__RabbitMqPassword differs from {RabbitMqService}'s RABBITMQ_DEFAULT_PASS (values not shown).";
            }

            var runs = bool.TryParse(Value("RunStateMachine"), out var b) ? b : defaults.RunStateMachine;
            if (runs != (synth.Name == ControllerService))
            {
                yield return synth.Name == ControllerService
                    ? $"{service.Name}: ControlPlane__RunStateMachine must be \"true\": the controller runs the job state machine."
                    : $"{service.Name}: ControlPlane__RunStateMachine must be \"false\": only the controller runs the job state machine.";
            }

            if (service.DependsOn.GetValueOrDefault(RabbitMqService) != "service_healthy")
            {
                yield return $"{service.Name}: must depend on {RabbitMqService} with condition service_healthy (the bus starts with the service).";
            }
        }

        if (!compose.Services.ContainsKey(ControllerService))
        {
            yield return $"docker-compose.yml has no '{ControllerService}' service: nothing would run the job state machine.";
        }
    }

    /// <summary>
    /// The api is built from its own Dockerfile, publishes its port on 127.0.0.1 only, and takes its keys from
    /// variables (a key written into the file would be a committed secret).
    /// </summary>
    public static IEnumerable<string> Api(ComposeFile compose, string repoRoot)
    {
        if (!compose.Services.TryGetValue("api", out var api))
        {
            yield return "docker-compose.yml has no 'api' service.";
            yield break;
        }

        if (api.Build is not { } build || Repo.Normalize(build.Dockerfile) != "services/hosts/Synth.Api/Dockerfile"
            || !File.Exists(Path.Combine(repoRoot, build.Context, build.Dockerfile)))
        {
            yield return "api: must be built from services/hosts/Synth.Api/Dockerfile with the repository root as context.";
        }

        foreach (var port in api.Ports.Where(p => !p.StartsWith("127.0.0.1:", StringComparison.Ordinal)))
        {
            yield return $"api: port '{port}' is not bound to 127.0.0.1.";
        }

        if (!api.Ports.Any(p => p.EndsWith(":8080", StringComparison.Ordinal)))
        {
            yield return "api: the container port 8080 (ASPNETCORE_HTTP_PORTS in the image) is not published.";
        }

        var keys = api.RawEnvironment.Where(e => Regex.IsMatch(e.Key, @"^Api__Keys__\d+__Key$", RegexOptions.IgnoreCase)).ToList();
        if (keys.Count == 0)
        {
            yield return "api: no Api__Keys__<n>__Key: the api refuses to start without a key.";
        }

        foreach (var (name, raw) in keys)
        {
            if (raw is null || !Regex.IsMatch(raw, @"^\$\{[A-Z0-9_]+(:?-)?\}$"))
            {
                yield return $"api: {name} must come from a variable with no default (e.g. ${{SYNTH_API_KEY:-}}), not be written into the file.";
            }
        }
    }

    // ------------------------------------------------------------------ processors, plug-ins, the generator's job

    public static IEnumerable<string> PluginsAndJob(ComposeFile compose, string repoRoot)
    {
        foreach (var stage in Repo.Stages)
        {
            if (!compose.Services.TryGetValue(Repo.ServiceName(stage), out var service))
            {
                continue;
            }

            var env = service.Environment;
            if (env.GetValueOrDefault("Processors__PluginAssembly") is { Length: > 0 } plugin)
            {
                var folder = plugin[..plugin.LastIndexOf('/')];
                var mount = service.Volumes.FirstOrDefault(v => v.Target == folder);
                if (mount.Target is null)
                {
                    yield return $"{service.Name}: Processors__PluginAssembly '{plugin}' is not in a mounted folder (no volume at '{folder}').";
                }
                else if (!mount.ReadOnly)
                {
                    yield return $"{service.Name}: the plug-in folder '{folder}' is mounted read-write; mount it :ro.";
                }
            }

            if (stage == Stage.Generator && env.ContainsKey("Generator__JobFile") && env.Keys.Any(k => k.StartsWith("ControlPlane__", StringComparison.Ordinal)))
            {
                yield return $"{service.Name}: Generator__JobFile is set, but with the ControlPlane section the generator runs the jobs the control plane starts and ignores it.";
            }
        }
    }

    /// <summary>
    /// The services that resolve a job's files under ControlPlane:JobFilesRoot: the api when a spec is submitted
    /// (JobControl), the generator (GenerationRunner) and the evaluator (EvaluateJobConsumer). The other stages and
    /// the controller only carry the shared setting.
    /// </summary>
    public static IReadOnlyList<string> JobFileReaders { get; } = ["generator", "evaluator", "api"];

    /// <summary>
    /// ControlPlane__JobFilesRoot is a read-only bind mount in every service that reads job files, and the example
    /// job the guide submits loads from that folder on the host.
    /// </summary>
    public static IEnumerable<string> JobFiles(ComposeFile compose, string repoRoot)
    {
        foreach (var name in JobFileReaders)
        {
            if (!compose.Services.TryGetValue(name, out var service))
            {
                continue;
            }

            if (service.Environment.GetValueOrDefault("ControlPlane__JobFilesRoot") is not { Length: > 0 } root)
            {
                yield return $"{service.Name}: ControlPlane__JobFilesRoot is not set, so a job's relative paths would resolve in the container's working folder.";
                continue;
            }

            if (HostPath(service, root, repoRoot) is not { } hostRoot)
            {
                yield return $"{service.Name}: ControlPlane__JobFilesRoot '{root}' is not inside a bind-mounted folder.";
                continue;
            }

            if (service.Volumes.FirstOrDefault(v => root == v.Target.TrimEnd('/') || root.StartsWith(v.Target.TrimEnd('/') + "/", StringComparison.Ordinal)) is { ReadOnly: false } mount)
            {
                yield return $"{service.Name}: the job files folder '{mount.Target}' is mounted read-write; mount it :ro.";
            }

            if (!Directory.Exists(hostRoot))
            {
                yield return $"{service.Name}: ControlPlane__JobFilesRoot '{root}' is '{Path.GetRelativePath(repoRoot, hostRoot)}' on the host, which does not exist.";
                continue;
            }

            // The spec the guide and the compose header submit: it loads with its relative paths resolved in that folder.
            var submitted = Path.Combine(hostRoot, "sentiment-classification.yaml");
            string? problem = File.Exists(submitted) ? null : $"{Path.GetRelativePath(repoRoot, submitted)} does not exist";
            try
            {
                if (problem is null)
                {
                    JobSpecLoader.LoadFile(submitted);
                }
            }
            catch (Exception e) when (e is JobSpecException or JobSpecValidationException)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return $"{service.Name}: the job {root.TrimEnd('/')}/sentiment-classification.yaml does not load: {problem}";
            }
        }
    }

    // ------------------------------------------------------------------ Dockerfiles

    /// <param name="text">The Dockerfile's text; read from the project folder when null.</param>
    /// <param name="writesHealthFile">The service's liveness is the health file (stages, the controller): the image sets and probes it.</param>
    public static IEnumerable<string> DockerfileProblems(string repoRoot, string projectFolder, bool writesHealthFile, string? text = null)
    {
        var relative = $"{projectFolder}/Dockerfile";
        var path = Path.Combine(repoRoot, relative);
        if (text is null && !File.Exists(path))
        {
            yield return $"{relative} does not exist.";
            yield break;
        }

        var dockerfile = Dockerfile.Parse(text ?? File.ReadAllText(path), path);
        var project = $"{projectFolder}/{Path.GetFileName(projectFolder)}.csproj";
        // A web project (Microsoft.NET.Sdk.Web, the api) needs ASP.NET Core, which only the aspnet image has.
        var runtimeImage = Repo.IsWebProject(project) ? "mcr.microsoft.com/dotnet/aspnet:10.0" : "mcr.microsoft.com/dotnet/runtime:10.0";
        var stages = dockerfile.Stages;
        if (stages.Count != 2 || !stages[0].Image.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal)
            || !stages[1].Image.StartsWith(runtimeImage, StringComparison.Ordinal))
        {
            yield return $"{relative}: expected two stages, mcr.microsoft.com/dotnet/sdk:10.0 (build) then {runtimeImage}.";
            yield break;
        }

        // Build stage: settings and the project closure's csproj files, restore, then sources, then publish.
        var build = dockerfile.InStage(0).ToList();
        var restore = build.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        if (restore < 0 || !build[restore].Arguments.Contains(project, StringComparison.Ordinal))
        {
            yield return $"{relative}: no 'RUN dotnet restore {project}'.";
            yield break;
        }

        var copiesBeforeRestore = dockerfile.Copies(0).Where(c => c.Line < build[restore].Line).ToList();
        var copied = copiesBeforeRestore.SelectMany(c => c.Sources).Select(Repo.Normalize).ToHashSet(StringComparer.Ordinal);
        foreach (var setting in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" }.Where(s => !copied.Contains(s)))
        {
            yield return $"{relative}: {setting} is not copied before the restore.";
        }

        var closure = Repo.ProjectClosure(project);
        var copiedProjects = copied.Where(c => c.EndsWith(".csproj", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in closure.Except(copiedProjects))
        {
            yield return $"{relative}: {missing} is referenced by {project} (directly or not) but not copied before the restore.";
        }

        foreach (var extra in copiedProjects.Except(closure))
        {
            yield return $"{relative}: copies {extra}, which {project} does not reference.";
        }

        foreach (var copy in copiesBeforeRestore.Where(c => c.Sources.Count == 1 && c.Sources[0].EndsWith(".csproj", StringComparison.Ordinal)))
        {
            var expectedFolder = Path.GetDirectoryName(Repo.Normalize(copy.Sources[0]))!.Replace('\\', '/') + "/";
            if (copy.Destination != expectedFolder)
            {
                yield return $"{relative}:{copy.Line}: copies {copy.Sources[0]} to '{copy.Destination}', not its own folder '{expectedFolder}'.";
            }
        }

        foreach (var copy in dockerfile.Copies(0).Concat(dockerfile.Copies(1)).Where(c => !c.Flags.Any(f => f.StartsWith("--from", StringComparison.Ordinal))))
        {
            foreach (var source in copy.Sources.Where(s => !File.Exists(Path.Combine(repoRoot, s)) && !Directory.Exists(Path.Combine(repoRoot, s))))
            {
                yield return $"{relative}:{copy.Line}: COPY source '{source}' does not exist in the build context.";
            }
        }

        var sourcesCopied = dockerfile.Copies(0).Any(c => c.Line > build[restore].Line && c.Sources.Any(s => Repo.Normalize(s) is "services" or "services/" || Repo.Normalize(s) == projectFolder));
        if (!sourcesCopied)
        {
            yield return $"{relative}: the sources are not copied after the restore.";
        }

        var publish = build.FirstOrDefault(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        if (publish is null || !publish.Arguments.Contains(project, StringComparison.Ordinal)
            || !Regex.IsMatch(publish.Arguments, @"-c\s+Release\b") || !Regex.IsMatch(publish.Arguments, @"-o\s+/app\b"))
        {
            yield return $"{relative}: expected 'RUN dotnet publish {project} -c Release -o /app'.";
        }

        // Runtime stage: the published app, a non-root user, the entry point.
        var runtime = dockerfile.InStage(1).ToList();
        var appCopy = dockerfile.Copies(1).FirstOrDefault(c => c.Flags.Contains("--from=build") && c.Sources.Contains("/app"));
        if (appCopy.Sources is null)
        {
            yield return $"{relative}: the runtime stage does not COPY --from=build /app.";
            yield break;
        }

        string workdir = "/";
        string? appFolder = null;
        foreach (var instruction in runtime)
        {
            if (instruction.Keyword == "WORKDIR")
            {
                workdir = instruction.Arguments.StartsWith('/') ? instruction.Arguments : $"{workdir.TrimEnd('/')}/{instruction.Arguments}";
            }
            else if (instruction.Line == appCopy.Line)
            {
                appFolder = appCopy.Destination is "." or "./" ? workdir : appCopy.Destination.StartsWith('/') ? appCopy.Destination.TrimEnd('/') : $"{workdir.TrimEnd('/')}/{appCopy.Destination.TrimEnd('/')}";
            }
        }

        var user = runtime.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        if (user is null or "root" or "0" or "0:0")
        {
            yield return $"{relative}: the runtime stage runs as root; add USER $APP_UID.";
        }

        var entrypoint = runtime.LastOrDefault(i => i.Keyword == "ENTRYPOINT") is { } e ? Dockerfile.ExecForm(e.Arguments) : null;
        var assembly = Repo.AssemblyName(Path.Combine(repoRoot, project));
        if (entrypoint is not ["dotnet", var dll])
        {
            yield return $"{relative}: ENTRYPOINT must be the exec form [\"dotnet\", \"{assembly}.dll\"].";
        }
        else
        {
            var dllPath = dll.StartsWith('/') ? dll : $"{workdir.TrimEnd('/')}/{dll}";
            var expected = $"{appFolder?.TrimEnd('/')}/{assembly}.dll";
            if (dllPath != expected)
            {
                yield return $"{relative}: ENTRYPOINT runs '{dllPath}', but {project} publishes '{assembly}.dll' to {appFolder} ({expected}).";
            }
        }

        if (writesHealthFile)
        {
            var env = dockerfile.Env(1);
            if (!env.TryGetValue("Health__FilePath", out var healthPath))
            {
                yield return $"{relative}: no ENV Health__FilePath.";
            }

            if (dockerfile.HealthcheckCommand(1) is not { } probe)
            {
                yield return $"{relative}: no HEALTHCHECK.";
            }
            else if (healthPath is not null && PathsIn(probe) is var paths && (paths.Count == 0 || paths.Any(p => p != healthPath)))
            {
                yield return $"{relative}: HEALTHCHECK reads [{string.Join(", ", paths)}] but ENV Health__FilePath is '{healthPath}'.";
            }
        }
    }

    public static IEnumerable<string> DockerIgnore(string repoRoot)
    {
        var path = Path.Combine(repoRoot, ".dockerignore");
        if (!File.Exists(path))
        {
            yield return ".dockerignore is missing at the repository root (the build context).";
            yield break;
        }

        var patterns = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "**/bin", "**/obj", ".git" }.Where(r => !patterns.Contains(r)))
        {
            yield return $".dockerignore lacks '{required}' (a pattern without **/ matches only at the root).";
        }

        foreach (var pattern in patterns.Where(p => p is "services" or "Directory.Build.props" or "Directory.Packages.props" or "global.json"))
        {
            yield return $".dockerignore excludes '{pattern}', which the Dockerfiles copy.";
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Environment variable names that example job specs name as apiKeyEnv: the only values passed through.</summary>
    public static IReadOnlySet<string> ApiKeyVariables(string repoRoot)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repoRoot, "examples"), "*.yaml"))
        {
            try
            {
                if (JobSpecLoader.LoadFile(file).Generation?.ApiKeyEnv is { Length: > 0 } name)
                {
                    names.Add(name);
                }
            }
            catch (Exception e) when (e is JobSpecException or JobSpecValidationException)
            {
                // A broken example is Synth.Jobs.Tests' business; it just names no key here.
            }
        }

        return names;
    }

    /// <summary>Host names in a value: the authority of a URI (several for mongodb://a,b) or a host:port list.</summary>
    public static IReadOnlyList<string> HostsIn(string value)
    {
        var uri = UriAuthority().Match(value);
        var hostPorts = uri.Success ? uri.Groups["authority"].Value : HostPortList().IsMatch(value) ? value : null;
        if (hostPorts is null)
        {
            return [];
        }

        return hostPorts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(h => h.Contains("]:", StringComparison.Ordinal) ? h[..(h.IndexOf(']', StringComparison.Ordinal) + 1)] : h.Split(':')[0])
            .ToList();
    }

    /// <summary>Absolute file paths a shell command names (/dev/null excluded).</summary>
    public static IReadOnlyList<string> PathsIn(string command) =>
        AbsolutePath().Matches(command).Select(m => m.Value).Where(p => p != "/dev/null").Distinct().ToList();

    private static string? HostPath(ComposeService service, string containerPath, string repoRoot)
    {
        foreach (var (source, target, _) in service.Volumes.OrderByDescending(v => v.Target.Length))
        {
            if (!source.StartsWith('.') && !source.StartsWith('/'))
            {
                continue; // a named volume
            }

            var t = target.TrimEnd('/');
            if (containerPath == t || containerPath.StartsWith(t + "/", StringComparison.Ordinal))
            {
                return Path.GetFullPath(Path.Combine(repoRoot, source, containerPath[t.Length..].TrimStart('/')));
            }
        }

        return null;
    }

    private static string? ArgumentAfter(IReadOnlyList<string> command, string flag)
    {
        var words = command.SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var index = words.IndexOf(flag);
        return index >= 0 && index + 1 < words.Count ? words[index + 1] : words.FirstOrDefault(w => w.StartsWith(flag + "=", StringComparison.Ordinal))?[(flag.Length + 1)..];
    }

    private static HashSet<string> ListenerNames(string? listeners) =>
        (listeners ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l[..l.IndexOf("://", StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> ListenerAddresses(string? listeners) =>
        (listeners ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l[(l.IndexOf("://", StringComparison.Ordinal) + 3)..]).ToHashSet(StringComparer.Ordinal);

    private static string? Suggest(string name, SynthService synth)
    {
        var best = synth.Keys
            .Select(k => (Name: k.AnySubKey ? k.EnvironmentName.Replace("__*", "__<key>", StringComparison.Ordinal) : k.EnvironmentName,
                Distance: Distance(name.ToUpperInvariant(), k.EnvironmentName.Replace("__*", "", StringComparison.Ordinal).ToUpperInvariant())))
            .MinBy(k => k.Distance);
        return best.Name is not null && best.Distance <= 4 ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(?<authority>[^/?#]+)")]
    private static partial Regex UriAuthority();

    [GeneratedRegex(@"^[A-Za-z0-9.-]+:\d+(?:\s*,\s*[A-Za-z0-9.-]+:\d+)*$")]
    private static partial Regex HostPortList();

    [GeneratedRegex(@"(?<![\w.$-])/(?:[\w.-]+/)*[\w.-]+")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"-mmin\s+-(\d+)")]
    private static partial Regex MinutesWindow();
}
