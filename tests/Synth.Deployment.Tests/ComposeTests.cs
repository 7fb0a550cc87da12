using Synth.Contracts.Samples;

namespace Synth.Deployment.Tests;

/// <summary>
/// docker-compose.yml, checked by construction (the build machines have no Docker engine): every variable at its
/// default, i.e. the file as a user runs it with no .env.
/// </summary>
public sealed class ComposeTests
{
    private static readonly ComposeFile Compose = ComposeFile.Load(Repo.ComposePath);

    /// <summary>The file with what the guide says to put in .env: the api's key (without it the api refuses to start).</summary>
    private static readonly ComposeFile ComposeWithApiKey = ComposeFile.Load(Repo.ComposePath,
        new Dictionary<string, string> { ["SYNTH_API_KEY"] = "0123456789abcdef0123456789abcdef" });

    private static void NoProblems(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, "Problems:\n  " + string.Join("\n  ", list));
    }

    [Fact]
    public void Every_stage_has_a_service_built_from_its_own_Dockerfile_with_the_repository_root_as_context() =>
        NoProblems(DeploymentChecks.StageServices(Compose, Repo.Root));

    [Fact]
    public void Every_environment_variable_of_a_stage_is_a_configuration_key_it_reads() =>
        NoProblems(DeploymentChecks.EnvironmentKeys(Compose, DeploymentChecks.ApiKeyVariables(Repo.Root)));

    [Fact]
    public void Every_required_key_without_a_default_is_set_and_processors_come_from_variables() =>
        NoProblems(DeploymentChecks.RequiredKeys(Compose));

    [Fact]
    public void Every_service_binds_and_validates_its_options_from_what_the_container_sees() =>
        NoProblems(DeploymentChecks.Values(ComposeWithApiKey, Repo.Root));

    [Fact]
    public void Without_an_api_key_only_the_api_fails_and_says_which_key_is_missing()
    {
        var problems = DeploymentChecks.Values(Compose, Repo.Root).ToList();
        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.StartsWith("api: ", p, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Api__Keys__0__Key", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_service_reaches_the_control_plane_on_the_rabbitmq_service_and_only_the_controller_runs_the_state_machine() =>
        NoProblems(DeploymentChecks.ControlPlaneWiring(Compose));

    [Fact]
    public void The_api_is_built_from_its_Dockerfile_on_127_0_0_1_with_keys_from_variables() =>
        NoProblems(DeploymentChecks.Api(Compose, Repo.Root));

    [Fact]
    public void The_job_files_folder_is_mounted_read_only_and_the_submitted_example_loads() =>
        NoProblems(DeploymentChecks.JobFiles(Compose, Repo.Root));

    [Fact]
    public void Every_host_named_in_a_value_is_a_service_of_the_file() =>
        NoProblems(DeploymentChecks.Hostnames(Compose));

    [Fact]
    public void Kafka_MongoDB_and_OTLP_endpoints_match_what_those_services_listen_on() =>
        NoProblems(DeploymentChecks.Endpoints(Compose));

    [Fact]
    public void The_health_probe_reads_the_file_the_service_writes_and_checks_it_is_fresh() =>
        NoProblems(DeploymentChecks.HealthChecks(Compose, Repo.Root));

    [Fact]
    public void Kafka_runs_KRaft_on_one_node_and_kafka_init_creates_the_topics_file_s_topics() =>
        NoProblems(DeploymentChecks.Kafka(Compose, Repo.Root));

    [Fact]
    public void MongoDB_is_a_replica_set_and_RabbitMQ_and_Jaeger_are_there() =>
        NoProblems(DeploymentChecks.Infrastructure(Compose));

    [Fact]
    public void The_plug_in_folder_is_mounted_and_the_generator_takes_jobs_from_the_control_plane() =>
        NoProblems(DeploymentChecks.PluginsAndJob(Compose, Repo.Root));

    [Fact]
    public void Shared_settings_come_from_the_x_synth_env_extension_field()
    {
        Assert.True(Compose.Root.ContainsKey("x-synth-env"), "docker-compose.yml has no x-synth-env extension field.");
        var shared = ComposeFile.AsMap(Compose.Root["x-synth-env"], "x-synth-env").Keys.Cast<string>().ToList();
        foreach (var stage in Repo.Stages)
        {
            var env = Compose.Service(Repo.ServiceName(stage)).Environment;
            Assert.Contains("ControlPlane__Transport", shared);
            Assert.All(shared, key => Assert.True(env.ContainsKey(key), $"{stage.Name()} lacks shared key {key}: merge x-synth-env with <<: *synth-env."));
        }
    }

    [Fact]
    public void Each_stage_names_its_own_processor_from_a_variable_and_the_plug_in_defaults_to_a_mounted_path()
    {
        foreach (var stage in Repo.Stages)
        {
            var service = Compose.Service(Repo.ServiceName(stage));
            var raw = service.RawEnvironment[$"Processors__{stage}"] ?? "";
            var match = System.Text.RegularExpressions.Regex.Match(raw, @"^\$\{SYNTH_[A-Z_]+_PROCESSOR:-(?<default>[^}]*)\}$");
            Assert.True(match.Success, $"{stage}: '{raw}' is not a SYNTH_*_PROCESSOR variable");
            Assert.StartsWith("/plugins/", service.Environment["Processors__PluginAssembly"], StringComparison.Ordinal);

            // A default names a built-in as "Namespace.Type, Assembly": that assembly must be a project the image builds.
            var builtIn = match.Groups["default"].Value;
            if (builtIn.Length > 0)
            {
                var assembly = builtIn.Split(", ")[1];
                var serviceProject = File.ReadAllText(Repo.Full($"{Repo.ProjectFolder(stage)}/Synth.Worker.csproj"));
                Assert.Contains($"{assembly}.csproj", serviceProject, StringComparison.Ordinal);
                Assert.StartsWith(assembly + ".", builtIn, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_services_that_read_a_job_s_files_mount_the_examples_folder_at_jobs()
    {
        foreach (var name in DeploymentChecks.JobFileReaders)
        {
            var service = Compose.Service(name);
            Assert.Contains(service.Volumes, v => v.Source == "./examples" && v.Target == "/jobs" && v.ReadOnly);
            Assert.Equal("/jobs", service.Environment["ControlPlane__JobFilesRoot"]);
        }

        Assert.False(Compose.Service("generator").Environment.ContainsKey("Generator__JobFile"), "jobs come from the control plane");
    }

    [Fact]
    public void RabbitMQ_credentials_chosen_in_the_environment_reach_the_broker_and_every_service()
    {
        var chosen = ComposeFile.Load(Repo.ComposePath, new Dictionary<string, string> { ["RABBITMQ_USER"] = "ops", ["RABBITMQ_PASSWORD"] = "s3cret-s3cret" });
        NoProblems(DeploymentChecks.ControlPlaneWiring(chosen));
        Assert.Equal("ops", chosen.Service("controller").Environment["ControlPlane__RabbitMqUser"]);
        Assert.Equal("s3cret-s3cret", chosen.Service("filter").Environment["ControlPlane__RabbitMqPassword"]);
    }

    [Fact]
    public void Only_api_keys_named_by_a_job_spec_pass_through_and_only_to_the_generator()
    {
        var keys = DeploymentChecks.ApiKeyVariables(Repo.Root);
        Assert.Contains("SYNTH_LLM_API_KEY", keys);
        var generator = Compose.Service("generator").Environment;
        Assert.All(keys, key => Assert.True(generator.ContainsKey(key) && generator[key] is null, $"generator should pass {key} through (no value)."));
    }

    [Fact]
    public void The_deployment_guide_lists_every_configuration_key()
    {
        var guide = File.ReadAllText(Repo.Full("docs/deployment.md"));
        var missing = ConfigurationCatalog.AllOptions.SelectMany(ConfigurationCatalog.KeysOf)
            .Select(k => k.AnySubKey ? k.EnvironmentName.Replace("__*", "__<key>", StringComparison.Ordinal) : k.EnvironmentName)
            .Where(name => !guide.Contains($"`{name}`", StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "docs/deployment.md's reference lacks: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_schema_registry_overlay_gives_every_service_on_kafka_the_registry_of_the_registry_profile()
    {
        var overlay = ComposeFile.Load(Repo.Full("infra/compose/schema-registry.yml"));
        var registry = Compose.Service("schema-registry");
        Assert.True(registry.HasProfiles, "schema-registry must be in a profile: without the overlay nothing uses it.");
        Assert.StartsWith("confluentinc/cp-schema-registry:", registry.Image, StringComparison.Ordinal);
        var onKafka = Repo.SynthServices.Where(s => s.Options.Contains(typeof(Synth.Messaging.Kafka.KafkaOptions))).Select(s => s.Name).ToList();
        Assert.NotEmpty(onKafka);
        Assert.Equal(onKafka.Order(StringComparer.Ordinal), overlay.Services.Keys.Order(StringComparer.Ordinal));
        Assert.All(onKafka, name => Assert.Equal($"http://{registry.Hostname}:8081", overlay.Service(name).Environment["Kafka__SchemaRegistry__Url"]));
    }

    [Fact]
    public void The_cli_runs_only_on_demand()
    {
        var cli = Compose.Service("cli");
        Assert.True(cli.HasProfiles, "cli must be in a profile, or 'docker compose up' would run it.");
        Assert.Equal("services/hosts/Synth.Cli/Dockerfile", cli.Build!.Value.Dockerfile);
    }
}
