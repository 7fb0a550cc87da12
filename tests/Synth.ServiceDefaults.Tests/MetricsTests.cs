using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Synth.Contracts.Samples;
using Synth.Pipeline;

namespace Synth.ServiceDefaults.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task A_host_with_a_prometheus_port_serves_the_synth_meters_for_scraping()
    {
        var port = FreePort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Telemetry:PrometheusPort"] = $"{port}" });
        builder.AddSynthDefaults("synth-test");
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // The MeterProvider is built when first resolved; a host resolves it on start.
            Assert.NotNull(host.Services.GetService<MeterProvider>());
            PipelineMetrics.Messages.Add(3, new(PipelineMetrics.StageTag, Stage.Filter.Name()), new(PipelineMetrics.OutcomeTag, "accepted"));
            PipelineMetrics.ProcessingDuration.Record(0.2, new KeyValuePair<string, object?>(PipelineMetrics.StageTag, Stage.Filter.Name()));

            using var http = new HttpClient();
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{SynthHosting.ScrapePath}"));

            Assert.Contains("synth_stage_messages_total{", text, StringComparison.Ordinal);
            Assert.Contains("stage=\"filter\"", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE synth_stage_processing_duration_seconds histogram", text, StringComparison.Ordinal);
            Assert.Contains("synth_stage_processing_duration_seconds_bucket{stage=\"filter\",le=\"+Inf\"}", text, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/other"))).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("http://collector:4318/v1/traces", "http/protobuf", "http://collector:4318/v1/metrics")]
    [InlineData("http://jaeger:4317", "grpc", "http://jaeger:4317/")]
    [InlineData("http://collector:4318/custom", "http/protobuf", "http://collector:4318/custom")]
    public void Metrics_go_to_the_traces_endpoint_or_its_metrics_path(string traces, string protocol, string metrics)
    {
        var options = new TelemetryOptions { OtlpEndpoint = new Uri(traces), OtlpProtocol = protocol };

        Assert.Equal(new Uri(metrics), options.OtlpMetricsEndpoint);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
