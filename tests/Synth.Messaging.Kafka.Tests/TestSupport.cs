using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Synth.Messaging.Kafka.Tests;

internal sealed class DelegateHandler(Func<InboundMessage, CancellationToken, Task> handle) : IMessageHandler
{
    public Task HandleAsync(InboundMessage message, CancellationToken cancellationToken) => handle(message, cancellationToken);
}

/// <summary>Writes log lines to the test output and keeps them for assertions.</summary>
internal sealed class TestLogger<T>(ITestOutputHelper output, string name) : ILogger<T>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {name} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}";
        lock (_lines)
        {
            _lines.Add(line);
        }

        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // Logged after the test finished (e.g. librdkafka's last words); nobody is listening any more.
        }
    }
}

/// <summary>A running consumer: stop it to finish in-flight work, commit and leave the group.</summary>
internal sealed class RunningConsumer(Task run, CancellationTokenSource stop, TestLogger<KafkaConsumer> logger) : IAsyncDisposable
{
    public TestLogger<KafkaConsumer> Logger => logger;

    public static RunningConsumer Start(KafkaBrokerFixture kafka, ITestOutputHelper output, string name, ConsumeSettings settings, IMessageHandler handler, Action<KafkaOptions>? configure = null)
    {
        var logger = new TestLogger<KafkaConsumer>(output, name);
        var stop = new CancellationTokenSource();
        var run = new KafkaConsumer(kafka.Options(configure), logger).RunAsync(settings, handler, stop.Token);
        return new RunningConsumer(run, stop, logger);
    }

    public bool HasAssignment => logger.Lines.Any(l => l.Contains("assigned partitions ", StringComparison.Ordinal) && char.IsAsciiDigit(l[^1]));

    public Task StopAsync() => StopAsync(TimeSpan.FromSeconds(20));

    public async Task StopAsync(TimeSpan timeout)
    {
        await stop.CancelAsync();
        await run.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!run.IsCompleted)
        {
            await StopAsync();
        }

        stop.Dispose();
    }
}

internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
