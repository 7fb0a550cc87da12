using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Synth.Messaging.Kafka;
using Synth.Pipeline;
using Synth.ServiceDefaults;
using YamlDotNet.Serialization;

namespace Synth.Deployment.Tests;

/// <summary>Prometheus and Grafana in docker-compose.yml scrape what the services serve and chart metrics that exist.</summary>
public sealed partial class MetricsDeploymentTests
{
    private static readonly ComposeFile Compose = ComposeFile.Load(Repo.ComposePath);

    [Fact]
    public void Every_scrape_job_names_a_compose_service_that_serves_metrics_on_the_scraped_port()
    {
        var config = (Dictionary<object, object?>)new Deserializer().Deserialize<object>(File.ReadAllText(Repo.Full("infra/prometheus/prometheus.yml")))!;
        var jobs = ((List<object?>)config["scrape_configs"]!).Cast<Dictionary<object, object?>>().ToList();

        Assert.NotEmpty(jobs);
        foreach (var job in jobs)
        {
            foreach (var sd in ((List<object?>)job["dns_sd_configs"]!).Cast<Dictionary<object, object?>>())
            {
                var port = Convert.ToString(sd["port"], System.Globalization.CultureInfo.InvariantCulture);
                foreach (var name in ((List<object?>)sd["names"]!).Cast<string>())
                {
                    Assert.True(Compose.Services.ContainsKey(name), $"scrape job {job["job_name"]} names {name}, which is not a compose service");
                    Assert.Equal(port, Compose.Service(name).Environment.GetValueOrDefault("Telemetry__PrometheusPort"));
                }
            }
        }

        // Every Synth service is scraped.
        var scraped = jobs.SelectMany(j => ((List<object?>)j["dns_sd_configs"]!).Cast<Dictionary<object, object?>>())
            .SelectMany(sd => ((List<object?>)sd["names"]!).Cast<string>()).ToHashSet();
        Assert.All(Repo.SynthServices, service => Assert.Contains(service.Name, scraped));
    }

    [Fact]
    public void Grafana_is_provisioned_with_prometheus_and_the_dashboard_folder_compose_mounts()
    {
        var grafana = Compose.Service("grafana");
        Assert.Contains(grafana.Volumes, v => v.Source == "./infra/grafana/provisioning" && v.Target == "/etc/grafana/provisioning");
        Assert.Contains(grafana.Volumes, v => v.Source == "./infra/grafana/dashboards" && v.Target == "/var/lib/grafana/dashboards");
        Assert.Contains("http://prometheus:9090", File.ReadAllText(Repo.Full("infra/grafana/provisioning/datasources/prometheus.yml")), StringComparison.Ordinal);
        Assert.Contains("/var/lib/grafana/dashboards", File.ReadAllText(Repo.Full("infra/grafana/provisioning/dashboards/synth.yml")), StringComparison.Ordinal);
        Assert.True(Compose.Services.ContainsKey("prometheus"));
    }

    [Fact]
    public void Every_metric_the_dashboard_queries_is_one_the_services_export()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repo.Full("infra/grafana/dashboards/synth-pipeline.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => MetricName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .ToHashSet();
        var exported = ExportedNames();

        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.Contains(name, exported));
        // The issue's panels: throughput and lag per stage, LLM latency, errors, tokens and cost.
        Assert.Subset(queried, new HashSet<string>
        {
            "synth_stage_messages_total", "synth_kafka_consumer_lag", "synth_llm_request_duration_seconds_bucket",
            "synth_llm_attempt_errors_total", "synth_llm_tokens_total", "synth_llm_cost_usd_total",
        });
    }

    /// <summary>The Prometheus names of every Synth instrument, as <see cref="PrometheusTextExporter"/> writes them.</summary>
    private static HashSet<string> ExportedNames()
    {
        Type[] holders =
        [
            typeof(PipelineMetrics), typeof(KafkaConsumerMetrics),
            typeof(Synth.Generation.Processor.LlmSampleGenerator).Assembly.GetType("Synth.Generation.Processor.GeneratorMetrics", throwOnError: true)!,
        ];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in holders.SelectMany(h => h.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)))
        {
            if (field.GetValue(null) is not Instrument instrument)
            {
                continue;
            }

            var definition = instrument.GetType().GetGenericTypeDefinition();
            var counter = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>);
            var name = PrometheusTextExporter.NameOf(instrument.Name, instrument.Unit, counter);
            names.Add(name);
            if (definition == typeof(Histogram<>))
            {
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
            }
        }

        return names;
    }

    [GeneratedRegex(@"\bsynth_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
