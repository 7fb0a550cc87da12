using Synth.Contracts.Messaging;
using Synth.Contracts.Samples;
using Synth.Delivery.Processor;
using Synth.Pipeline;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Synth.Deployment.Tests;

/// <summary>infra/k8s: every service has a Deployment whose settings are options it reads, from an image the build makes, and each consuming stage scales on the right lag.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly IReadOnlyList<Dictionary<object, object?>> Documents = Load();

    /// <summary>Image repository → the Dockerfile that builds it.</summary>
    private static readonly Dictionary<string, string> Images = new(StringComparer.Ordinal)
    {
        ["synth-worker"] = "services/hosts/Synth.Worker/Dockerfile",
        ["synth-api"] = "services/hosts/Synth.Api/Dockerfile",
    };

    [Fact]
    public void Every_synth_service_has_a_deployment_built_from_an_image_of_the_repository()
    {
        var deployments = Of("Deployment").ToDictionary(d => Name(d), StringComparer.Ordinal);

        Assert.All(Repo.SynthServices, service => Assert.True(deployments.ContainsKey(service.Name), $"no Deployment for {service.Name}"));
        foreach (var (name, deployment) in deployments)
        {
            var container = Container(deployment);
            var repository = ((string)container["image"]!).Split(':')[0];
            Assert.True(Images.TryGetValue(repository, out var dockerfile), $"{name}: image {repository} is built by no Dockerfile");
            Assert.True(File.Exists(Repo.Full(dockerfile)), dockerfile);
            var service = Repo.SynthServices.Single(s => s.Name == name);
            Assert.Equal(service.ProjectFolder + "/Dockerfile", dockerfile);
            if (repository == "synth-worker")
            {
                Assert.Equal(["--stage", name], ((List<object?>)container["args"]!).Cast<string>());
            }
        }
    }

    [Fact]
    public void Every_environment_key_a_deployment_sets_is_an_option_its_service_reads()
    {
        var configMaps = Of("ConfigMap").ToDictionary(Name, d => Keys(d, "data"), StringComparer.Ordinal);
        var secrets = Of("Secret").ToDictionary(Name, d => Keys(d, "stringData"), StringComparer.Ordinal);
        foreach (var deployment in Of("Deployment"))
        {
            var service = Repo.SynthServices.Single(s => s.Name == Name(deployment));
            var keys = service.Options.SelectMany(ConfigurationCatalog.KeysOf).ToList();
            var container = Container(deployment);
            var names = new List<string>();
            names.AddRange(List(container, "env").Cast<Dictionary<object, object?>>().Select(e => (string)e["name"]!));
            foreach (var source in List(container, "envFrom").Cast<Dictionary<object, object?>>())
            {
                if (source.TryGetValue("configMapRef", out var map))
                {
                    names.AddRange(configMaps[(string)((Dictionary<object, object?>)map!)["name"]!]);
                }

                if (source.TryGetValue("secretRef", out var secret))
                {
                    names.AddRange(secrets[(string)((Dictionary<object, object?>)secret!)["name"]!]);
                }
            }

            Assert.NotEmpty(names);
            Assert.All(names, name => Assert.True(
                ConfigurationCatalog.Find(keys, name) is not null || ConfigurationCatalog.IsStandard(name),
                $"{service.Name}: {name} is no option the service reads"));
            Assert.Contains("Telemetry__PrometheusPort", names);
        }
    }

    [Fact]
    public void Each_consuming_stage_scales_on_its_consumer_groups_lag_on_its_input_topic()
    {
        var scaled = Of("ScaledObject").ToDictionary(Name, StringComparer.Ordinal);
        var deployments = Of("Deployment").Select(Name).ToHashSet();

        foreach (var stage in new[] { Stage.Filter, Stage.LabelRefiner, Stage.Evaluator })
        {
            var name = Repo.ServiceName(stage);
            Assert.True(scaled.TryGetValue(name, out var scaledObject), $"no ScaledObject for {name}");
            var spec = (Dictionary<object, object?>)scaledObject["spec"]!;
            var target = (string)((Dictionary<object, object?>)spec["scaleTargetRef"]!)["name"]!;
            Assert.Equal(name, target);
            Assert.Contains(target, deployments);
            var trigger = Assert.Single(((List<object?>)spec["triggers"]!).Cast<Dictionary<object, object?>>());
            Assert.Equal("kafka", trigger["type"]);
            var metadata = (Dictionary<object, object?>)trigger["metadata"]!;
            Assert.Equal(PipelineStages.ConsumerGroupOf(stage), metadata["consumerGroup"]);
            Assert.Equal(Topics.InputOf(stage), metadata["topic"]);
            Assert.True(int.Parse((string)metadata["lagThreshold"]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal(Of("ConfigMap").Select(c => (Dictionary<object, object?>)c["data"]!).Single()["Kafka__BootstrapServers"], metadata["bootstrapServers"]);
        }
    }

    [Fact]
    public void The_dataset_sink_scales_on_its_consumer_groups_lag_on_the_curated_topic()
    {
        var scaledObject = Of("ScaledObject").Single(s => Name(s) == "dataset-sink");
        var spec = (Dictionary<object, object?>)scaledObject["spec"]!;
        Assert.Equal("dataset-sink", ((Dictionary<object, object?>)spec["scaleTargetRef"]!)["name"]);
        Assert.Contains("dataset-sink", Of("Deployment").Select(Name));
        var metadata = (Dictionary<object, object?>)Assert.Single(((List<object?>)spec["triggers"]!).Cast<Dictionary<object, object?>>())["metadata"]!;
        Assert.Equal(DatasetSinkService.GroupId, metadata["consumerGroup"]);
        Assert.Equal(Topics.Curated, metadata["topic"]);
        // Never fewer records than a shard holds unsealed, or a sink at rest would look behind.
        Assert.True(int.Parse((string)metadata["lagThreshold"]!, System.Globalization.CultureInfo.InvariantCulture) >= new DatasetSinkOptions().MaxRowsPerShard);
    }

    private static IEnumerable<Dictionary<object, object?>> Of(string kind) => Documents.Where(d => Equals(d["kind"], kind));

    private static string Name(Dictionary<object, object?> document) => (string)((Dictionary<object, object?>)document["metadata"]!)["name"]!;

    private static IEnumerable<string> Keys(Dictionary<object, object?> document, string field) =>
        ((Dictionary<object, object?>)document[field]!).Keys.Cast<string>();

    private static Dictionary<object, object?> Container(Dictionary<object, object?> deployment)
    {
        var pod = (Dictionary<object, object?>)((Dictionary<object, object?>)((Dictionary<object, object?>)deployment["spec"]!)["template"]!)["spec"]!;
        return (Dictionary<object, object?>)Assert.Single((List<object?>)pod["containers"]!)!;
    }

    private static List<object?> List(Dictionary<object, object?> map, string key) => map.GetValueOrDefault(key) as List<object?> ?? [];

    private static List<Dictionary<object, object?>> Load()
    {
        var deserializer = new Deserializer();
        var documents = new List<Dictionary<object, object?>>();
        foreach (var file in Directory.GetFiles(Repo.Full("infra/k8s"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var parser = new Parser(new StringReader(File.ReadAllText(file)));
            parser.Consume<StreamStart>();
            while (parser.Accept<DocumentStart>(out _))
            {
                if (deserializer.Deserialize<object>(parser) is Dictionary<object, object?> document)
                {
                    documents.Add(document);
                }
            }
        }

        return documents;
    }
}
