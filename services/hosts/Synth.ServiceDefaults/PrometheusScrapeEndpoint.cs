using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Synth.ServiceDefaults;

/// <summary>
/// Serves http://*:<see cref="TelemetryOptions.PrometheusPort"/>/metrics: each scrape collects the process's metrics
/// (<see cref="PrometheusTextExporter"/>) and answers with their text. Any other path is 404.
/// </summary>
public sealed partial class PrometheusScrapeEndpoint(MeterProvider meters, MetricReader reader, PrometheusTextExporter exporter, int port, ILogger<PrometheusScrapeEndpoint> logger)
    : BackgroundService
{
    private const int CollectTimeoutMilliseconds = 5000;

    private readonly HttpListener _listener = new();
    private readonly Lock _collecting = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The provider is built when first resolved; resolving it here attaches the reader before the first scrape.
        _ = meters;
        _listener.Prefixes.Add($"http://+:{port}/");
        _listener.Start();
        LogListening(logger, port, SynthHosting.ScrapePath);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            using var response = context.Response;
            if (context.Request.Url?.AbsolutePath != SynthHosting.ScrapePath)
            {
                response.StatusCode = (int)HttpStatusCode.NotFound;
                continue;
            }

            var body = Encoding.UTF8.GetBytes(Collect());
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body, stoppingToken).ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _listener.Close();
        base.Dispose();
    }

    private string Collect()
    {
        lock (_collecting)
        {
            reader.Collect(CollectTimeoutMilliseconds);
            return exporter.Text;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving metrics for Prometheus on port {Port} at {Path}")]
    private static partial void LogListening(ILogger logger, int port, string path);
}
