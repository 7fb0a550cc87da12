using Synth.Contracts.Samples;

namespace Synth.Deployment.Tests;

/// <summary>
/// The checks can fail: each breaks the real docker-compose.yml or a Dockerfile in one way and expects the problem,
/// by name. Without these, a check that never finds anything would look like a passing deployment.
/// </summary>
public sealed class CheckerTests
{
    private static readonly string ComposeText = File.ReadAllText(Repo.ComposePath);

    private static ComposeFile Broken(string find, string replace)
    {
        Assert.Contains(find, ComposeText, StringComparison.Ordinal);
        return ComposeFile.Parse(ComposeText.Replace(find, replace, StringComparison.Ordinal));
    }

    private static void Reports(IEnumerable<string> problems, params string[] fragments)
    {
        var list = problems.ToList();
        foreach (var fragment in fragments)
        {
            Assert.True(list.Any(p => p.Contains(fragment, StringComparison.Ordinal)),
                $"Expected a problem mentioning '{fragment}', got:\n  " + string.Join("\n  ", list));
        }
    }

    [Fact]
    public void A_misspelt_key_fails_with_its_name_and_a_suggestion()
    {
        var compose = Broken("  Kafka__BootstrapServers: kafka:9092", "  Kafka__BootstrapServer: kafka:9092");
        Reports(DeploymentChecks.EnvironmentKeys(compose, new HashSet<string>()), "'Kafka__BootstrapServer'", "did you mean 'Kafka__BootstrapServers'");
        Reports(DeploymentChecks.RequiredKeys(compose), "required key Kafka:BootstrapServers is not set");
    }

    [Fact]
    public void A_key_of_another_stage_fails_naming_the_stage_that_reads_it()
    {
        const string filterProcessor = "      Processors__Filter: ${SYNTH_FILTER_PROCESSOR:-Synth.Curation.Processor.Filter.FilterProcessor, Synth.Curation.Processor}";
        var compose = Broken(filterProcessor, filterProcessor + "\n      Generator__ClaimLease: \"00:00:30\"");
        Reports(DeploymentChecks.EnvironmentKeys(compose, new HashSet<string>()), "filter: environment variable 'Generator__ClaimLease'", "only the generator service reads it");
    }

    [Fact]
    public void Dictionary_keys_accept_any_sub_key_and_standard_prefixes_pass()
    {
        Assert.NotNull(ConfigurationCatalog.Find(Stage.Filter, "Kafka__Settings__session.timeout.ms"));
        Assert.Null(ConfigurationCatalog.Find(Stage.Filter, "Kafka__Settings"));
        Assert.NotNull(ConfigurationCatalog.Find(Stage.Filter, "store__mongouri"));
        Assert.Null(ConfigurationCatalog.Find(Stage.Filter, "Generator__JobFile"));
        Assert.NotNull(ConfigurationCatalog.Find(Stage.Generator, "Generator__JobFile"));
        Assert.True(ConfigurationCatalog.IsStandard("Logging__LogLevel__Default"));
        Assert.True(ConfigurationCatalog.IsStandard("OTEL_SERVICE_NAME"));
    }

    [Fact]
    public void Named_connection_keys_take_the_connection_s_name_then_a_key_of_the_connection()
    {
        var api = ConfigurationCatalog.ApiServiceOptions.SelectMany(ConfigurationCatalog.KeysOf).ToList();

        Assert.Equal("Connections:<name>:BaseUrl", ConfigurationCatalog.Find(api, "Connections__local__BaseUrl")?.Key);
        Assert.Equal("Connections:<name>:ApiKeyFile", ConfigurationCatalog.Find(api, "Connections__azure__ApiKeyFile")?.Key);
        Assert.Equal("Connections:<name>:Models:*", ConfigurationCatalog.Find(api, "Connections__local__Models__0")?.Key);
        Assert.Null(ConfigurationCatalog.Find(api, "Connections__BaseUrl"));
        Assert.Null(ConfigurationCatalog.Find(api, "Connections__local__BaseUri"));
        Assert.Null(ConfigurationCatalog.Find(api, "Connections__local__Models"));
    }

    [Fact]
    public void A_misspelt_connection_key_in_the_api_service_is_reported()
    {
        const string local = "      Connections__local__Models__0: ${SYNTH_LLM_MODEL:-llama3.1:8b}";
        var compose = Broken(local, local + "\n      Connections__local__BaseUri: http://host.docker.internal:11434/v1");
        Reports(DeploymentChecks.EnvironmentKeys(compose, new HashSet<string>()), "api: environment variable 'Connections__local__BaseUri'");
    }

    [Fact]
    public void The_catalogue_comes_from_the_options_classes()
    {
        var keys = ConfigurationCatalog.KeysFor(Stage.Generator).Select(k => k.Key).ToHashSet();
        foreach (var key in new[]
        {
            "Kafka:BootstrapServers", "Kafka:Settings:*", "Kafka:RetryInitialDelay", "Store:Provider", "Store:SqlitePath", "Store:MongoUri",
            "Store:MongoDatabase", "Telemetry:OtlpEndpoint", "Telemetry:OtlpProtocol", "Health:FilePath", "Health:IntervalSeconds",
            "Synth:InstanceName", "Processors:PluginAssembly", "Processors:Generator", "Processors:Filter", "Processors:LabelRefiner",
            "Processors:Evaluator", "Processors:MaxInFlight", "Processors:MaxConcurrentRequests", "Generator:JobFile",
            "Generator:ClaimBlockSize", "Generator:ClaimLease", "ControlPlane:Transport", "ControlPlane:RabbitMqHost",
            "ControlPlane:RabbitMqUser", "ControlPlane:RabbitMqPassword", "ControlPlane:RunStateMachine", "ControlPlane:JobFilesRoot",
        })
        {
            Assert.Contains(key, keys);
        }

        var required = ConfigurationCatalog.KeysFor(Stage.Generator).Where(k => k.IsRequired && !k.HasDefault).Select(k => k.Key).Order();
        Assert.Equal(["Kafka:BootstrapServers"], required);
        Assert.Contains("Api:Keys:*", ConfigurationCatalog.ApiServiceOptions.SelectMany(ConfigurationCatalog.KeysOf).Select(k => k.Key));
    }

    [Fact]
    public void The_catalogue_covers_exactly_the_options_the_real_stage_host_binds()
    {
        foreach (var stage in Repo.Stages)
        {
            var bound = ConfigurationCatalog.BoundByHost(stage).Select(t => t.Name).Order();
            Assert.Equal(ConfigurationCatalog.OptionsFor(stage).Select(t => t.Name).Order(), bound);
        }
    }

    [Fact]
    public void An_enum_value_that_is_not_a_name_fails()
    {
        var compose = Broken("  Store__Provider: Mongo", "  Store__Provider: Mongoo");
        Reports(DeploymentChecks.Values(compose, Repo.Root), "Store__Provider='Mongoo' is not one of Sqlite, Mongo");
    }

    [Fact]
    public void An_out_of_range_or_unparsable_value_fails_as_validation_at_start_would()
    {
        Reports(DeploymentChecks.Values(Broken("${SYNTH_MAX_IN_FLIGHT:-16}", "${SYNTH_MAX_IN_FLIGHT:-0}"), Repo.Root), "Processors:MaxInFlight");
        Reports(DeploymentChecks.Values(Broken("  Telemetry__OtlpProtocol: grpc", "  Telemetry__OtlpProtocol: http"), Repo.Root), "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'");
        Reports(DeploymentChecks.Values(Broken("${SYNTH_MAX_IN_FLIGHT:-16}", "${SYNTH_MAX_IN_FLIGHT:-}"), Repo.Root), "Processors__MaxInFlight resolves to an empty value");
    }

    private const string GeneratorKeys = "      SYNTH_LLM_API_KEY:\n";

    [Fact]
    public void A_job_file_next_to_the_control_plane_fails_for_the_generator()
    {
        var compose = Broken(GeneratorKeys, GeneratorKeys + "      Generator__JobFile: /jobs/sentiment-classification.yaml\n");
        Reports(DeploymentChecks.PluginsAndJob(compose, Repo.Root), "generator: Generator__JobFile is set, but with the ControlPlane section");
    }

    [Fact]
    public void A_job_files_root_outside_the_mounts_missing_or_writable_fails()
    {
        Reports(DeploymentChecks.JobFiles(Broken("  ControlPlane__JobFilesRoot: /jobs\n", "  ControlPlane__JobFilesRoot: /elsewhere\n"), Repo.Root),
            "generator: ControlPlane__JobFilesRoot '/elsewhere' is not inside a bind-mounted folder");
        Reports(DeploymentChecks.JobFiles(Broken("  ControlPlane__JobFilesRoot: /jobs\n", "  ControlPlane__JobFilesRoot: /jobs/nope\n"), Repo.Root), "which does not exist");
        var writable = ComposeFile.Parse(ComposeText.Replace("      - ./examples:/jobs:ro", "      - ./examples:/jobs", StringComparison.Ordinal));
        Reports(DeploymentChecks.JobFiles(writable, Repo.Root), "generator: the job files folder '/jobs' is mounted read-write");
    }

    [Fact]
    public void A_control_plane_that_does_not_match_the_rabbitmq_service_fails()
    {
        Reports(DeploymentChecks.ControlPlaneWiring(Broken("  ControlPlane__RabbitMqHost: rabbitmq\n", "  ControlPlane__RabbitMqHost: rabbit\n")),
            "filter: ControlPlane__RabbitMqHost 'rabbit' is not the rabbitmq service");
        Reports(DeploymentChecks.ControlPlaneWiring(Broken("RABBITMQ_DEFAULT_USER: ${RABBITMQ_USER:-synth}", "RABBITMQ_DEFAULT_USER: admin")),
            "controller: ControlPlane__RabbitMqUser 'synth' is not the user rabbitmq creates ('admin')");
        var password = Broken("RABBITMQ_DEFAULT_PASS: ${RABBITMQ_PASSWORD:-synth}", "RABBITMQ_DEFAULT_PASS: ${RABBITMQ_PASSWORD:-other}");
        var problems = DeploymentChecks.ControlPlaneWiring(password).ToList();
        Reports(problems, "api: ControlPlane__RabbitMqPassword differs from rabbitmq's RABBITMQ_DEFAULT_PASS (values not shown)");
        Assert.DoesNotContain(problems, p => p.Contains("other", StringComparison.Ordinal));
        Reports(DeploymentChecks.ControlPlaneWiring(Broken("  ControlPlane__Transport: RabbitMq\n  ControlPlane__RabbitMqHost", "  ControlPlane__Transport: InMemory\n  ControlPlane__RabbitMqHost")),
            "evaluator: ControlPlane__Transport is 'InMemory', expected RabbitMq");
        Reports(DeploymentChecks.ControlPlaneWiring(Broken("    rabbitmq:\n      condition: service_healthy\n    jaeger:\n      condition: service_started\n  volumes:",
            "    jaeger:\n      condition: service_started\n  volumes:")), "label-refiner: must depend on rabbitmq with condition service_healthy");
    }

    [Fact]
    public void A_state_machine_outside_the_controller_or_none_in_it_fails()
    {
        Reports(DeploymentChecks.ControlPlaneWiring(Broken("  ControlPlane__RunStateMachine: \"false\"\n  ControlPlane__JobFilesRoot", "  ControlPlane__RunStateMachine: \"true\"\n  ControlPlane__JobFilesRoot")),
            "filter: ControlPlane__RunStateMachine must be \"false\"");
        Reports(DeploymentChecks.ControlPlaneWiring(Broken("      ControlPlane__RunStateMachine: \"true\"", "      ControlPlane__RunStateMachine: \"false\"")),
            "controller: ControlPlane__RunStateMachine must be \"true\"");
    }

    [Fact]
    public void Controller_and_api_keys_are_checked_against_the_options_their_hosts_bind()
    {
        const string controllerHealth = "      Health__IntervalSeconds: \"5\"\n      Logging__LogLevel__Default: ${SYNTH_LOG_LEVEL:-Information}\n      ControlPlane__Transport";
        Reports(DeploymentChecks.EnvironmentKeys(Broken(controllerHealth, controllerHealth.Replace("Health__IntervalSeconds", "Kafka__BootstrapServers", StringComparison.Ordinal)), new HashSet<string>()),
            "controller: environment variable 'Kafka__BootstrapServers' is not a configuration key of the controller service");
        Reports(DeploymentChecks.EnvironmentKeys(Broken("      Api__Keys__0__Name:", "      Api__Key__0__Name:"), new HashSet<string>()),
            "api: environment variable 'Api__Key__0__Name' is not a configuration key of the api service");
        Reports(DeploymentChecks.Values(Broken("      Api__Keys__0__Key: ${SYNTH_API_KEY:-}", "      Api__Keys__0__Key: short-key-value"), Repo.Root),
            "api: Api options are invalid: Api:Keys:0:Key is missing or shorter than 16 characters");
        Reports(DeploymentChecks.HealthChecks(Broken("      Health__FilePath: /tmp/health.json", "      Health__FilePath: /tmp/elsewhere.json"), Repo.Root),
            "controller: docker-compose.yml healthcheck reads '/tmp/health.json', but the service writes its health to Health__FilePath '/tmp/elsewhere.json'");
    }

    [Fact]
    public void An_api_key_in_the_file_or_a_public_port_fails()
    {
        Reports(DeploymentChecks.Api(Broken("      Api__Keys__0__Key: ${SYNTH_API_KEY:-}", "      Api__Keys__0__Key: 0123456789abcdef0123"), Repo.Root),
            "api: Api__Keys__0__Key must come from a variable with no default");
        Reports(DeploymentChecks.Api(Broken("\"127.0.0.1:${SYNTH_API_PORT:-8080}:8080\"", "\"${SYNTH_API_PORT:-8080}:8080\""), Repo.Root),
            "api: port '8080:8080' is not bound to 127.0.0.1");
        Reports(DeploymentChecks.Api(Broken("      dockerfile: services/hosts/Synth.Api/Dockerfile", "      dockerfile: services/hosts/Synth.Api/Dockerfile.web"), Repo.Root),
            "api: must be built from services/hosts/Synth.Api/Dockerfile");
    }

    [Fact]
    public void An_api_image_on_the_plain_runtime_or_a_worker_image_missing_a_project_fails()
    {
        var api = File.ReadAllText(Repo.Full("services/hosts/Synth.Api/Dockerfile"));
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, "services/hosts/Synth.Api", false,
            api.Replace("FROM mcr.microsoft.com/dotnet/aspnet:10.0", "FROM mcr.microsoft.com/dotnet/runtime:10.0", StringComparison.Ordinal)),
            "then mcr.microsoft.com/dotnet/aspnet:10.0");
        var worker = File.ReadAllText(Repo.Full($"{Repo.WorkerFolder}/Dockerfile"));
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, Repo.WorkerFolder, true,
            worker.Replace("COPY services/control/Synth.ControlPlane/Synth.ControlPlane.csproj services/control/Synth.ControlPlane/\n", "", StringComparison.Ordinal)),
            "services/control/Synth.ControlPlane/Synth.ControlPlane.csproj is referenced by services/hosts/Synth.Worker/Synth.Worker.csproj");
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, Repo.WorkerFolder, true,
            worker.Replace("HEALTHCHECK", "# HEALTHCHECK", StringComparison.Ordinal)), "no HEALTHCHECK");
    }

    [Fact]
    public void An_unknown_host_or_localhost_fails()
    {
        Reports(DeploymentChecks.Hostnames(Broken("http://jaeger:4317", "http://jaegr:4317")), "names host 'jaegr'");
        Reports(DeploymentChecks.Hostnames(Broken("  Kafka__BootstrapServers: kafka:9092", "  Kafka__BootstrapServers: localhost:29092")), "points at localhost");
        Reports(DeploymentChecks.Hostnames(Broken("mongodb://mongo:27017/", "mongodb://mongodb:27017/")), "names host 'mongodb'");
    }

    [Fact]
    public void Endpoints_that_do_not_match_the_listeners_fail()
    {
        Reports(DeploymentChecks.Endpoints(Broken("  Kafka__BootstrapServers: kafka:9092", "  Kafka__BootstrapServers: kafka:29092")), "'kafka:29092' is not one of kafka's advertised listeners");
        Reports(DeploymentChecks.Endpoints(Broken("?replicaSet=rs0", "?replicaSet=rs1")), "does not name replica set 'rs0'");
        Reports(DeploymentChecks.Endpoints(Broken("http://jaeger:4317", "http://jaeger:4318")), "OTLP over grpc is served on 4317");
    }

    [Fact]
    public void A_health_probe_that_reads_another_file_fails()
    {
        Reports(DeploymentChecks.HealthChecks(Broken("  Health__FilePath: /tmp/health.json", "  Health__FilePath: /tmp/other.json"), Repo.Root),
            "reads '/tmp/health.json', but the service writes its health to Health__FilePath '/tmp/other.json'");
        Reports(DeploymentChecks.HealthChecks(Broken("find /tmp/health.json -mmin -1 | grep -q . && ", ""), Repo.Root), "does not check that the health file is fresh");
    }

    [Fact]
    public void Service_shape_mistakes_fail()
    {
        Reports(DeploymentChecks.StageServices(Broken("  filter:\n    <<: *synth-service\n", "  filter:\n    <<: *synth-service\n    container_name: synth-filter\n"), Repo.Root), "filter: container_name is set");
        Reports(DeploymentChecks.StageServices(Broken("dockerfile: services/hosts/Synth.Worker/Dockerfile", "dockerfile: services/hosts/Synth.Worker/Dockerfile.x"), Repo.Root), "does not exist");
        Reports(DeploymentChecks.StageServices(Broken("command: [\"--stage\", \"label-refiner\"]", "command: [\"--stage\", \"filter\"]"), Repo.Root),
            "label-refiner: command is [--stage, filter], expected [--stage, label-refiner]");
        Reports(DeploymentChecks.StageServices(Broken("      condition: service_completed_successfully", "      condition: service_started"), Repo.Root), "service_completed_successfully");
        Reports(DeploymentChecks.Kafka(Broken("    restart: \"no\"", "    restart: unless-stopped"), Repo.Root), "kafka-init: restart 'unless-stopped'");
        Reports(DeploymentChecks.Kafka(Broken("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: \"1\"", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: \"3\""), Repo.Root), "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be 1");
        Reports(DeploymentChecks.Kafka(Broken("/opt/synth/kafka/create-topics.sh\"]", "/opt/synth/kafka/other.sh\"]"), Repo.Root), "does not run /opt/synth/kafka/create-topics.sh");
    }

    [Fact]
    public void A_value_less_variable_that_is_not_an_api_key_fails()
    {
        var compose = Broken("      AZURE_OPENAI_API_KEY:\n", "      AZURE_OPENAI_API_KEY:\n      Store__MongoUri:\n");
        Reports(DeploymentChecks.EnvironmentKeys(compose, DeploymentChecks.ApiKeyVariables(Repo.Root)), "'Store__MongoUri' has no value");
    }

    [Fact]
    public void Dockerfile_drift_fails()
    {
        var text = File.ReadAllText(Repo.Full($"{Repo.WorkerFolder}/Dockerfile"));
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, Repo.WorkerFolder, true,
            text.Replace("COPY services/core/Synth.Jobs/Synth.Jobs.csproj services/core/Synth.Jobs/\n", "", StringComparison.Ordinal)),
            "services/core/Synth.Jobs/Synth.Jobs.csproj is referenced by services/hosts/Synth.Worker/Synth.Worker.csproj");
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, Repo.WorkerFolder, true,
            text.Replace("\"Synth.Worker.dll\"", "\"Synth.Workers.dll\"", StringComparison.Ordinal)), "publishes 'Synth.Worker.dll'");
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, Repo.WorkerFolder, true,
            text.Replace("USER $APP_UID\n", "", StringComparison.Ordinal)), "runs as root");
        Reports(DeploymentChecks.DockerfileProblems(Repo.Root, Repo.WorkerFolder, true,
            text.Replace("ENV Health__FilePath=/tmp/health.json", "ENV Health__FilePath=/var/health.json", StringComparison.Ordinal)), "HEALTHCHECK reads [/tmp/health.json] but ENV Health__FilePath is '/var/health.json'");
    }

    [Fact]
    public void Interpolation_follows_compose()
    {
        var compose = ComposeFile.Parse("services: {}", new Dictionary<string, string> { ["SET"] = "v", ["EMPTY"] = "" });
        Assert.Equal("v", compose.Interpolate("${SET:-d}"));
        Assert.Equal("d", compose.Interpolate("${EMPTY:-d}"));
        Assert.Equal("", compose.Interpolate("${EMPTY-d}"));
        Assert.Equal("d", compose.Interpolate("${UNSET-d}"));
        Assert.Equal("x-v-y", compose.Interpolate("x-$SET-y"));
        Assert.Equal("$SET", compose.Interpolate("$$SET"));
        Assert.Equal("/a/d", compose.Interpolate("${UNSET:-/a/${ALSO_UNSET:-d}}"));
        Assert.Equal("alt", compose.Interpolate("${SET:+alt}"));
        Assert.Throws<FormatException>(() => compose.Interpolate("${UNSET:?must be set}"));
    }

    [Fact]
    public void Merge_keys_are_resolved_and_explicit_keys_win()
    {
        var compose = ComposeFile.Parse("""
            x-env: &env
              A: "1"
              B: "2"
            services:
              s:
                environment:
                  <<: *env
                  B: "3"
            """);
        Assert.Equal(new Dictionary<string, string?> { ["A"] = "1", ["B"] = "3" }, compose.Service("s").Environment);
    }
}
