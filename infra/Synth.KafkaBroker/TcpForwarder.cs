using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Synth.KafkaBroker;

/// <summary>
/// Accepts connections on a fixed port and pipes each one to a mock broker's ephemeral listener. Together with the
/// broker advertising the fixed port in Metadata, clients only ever see the fixed address.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    public TcpForwarder(IPEndPoint listen, IPEndPoint target)
    {
        _listener = new TcpListener(listen);
        _target = target;
    }

    /// <exception cref="SocketException">The port is in use or not bindable.</exception>
    public void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync(_stop.Token);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException
                                      && cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var connection = PipeAsync(client, cancellationToken);
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task PipeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        using (var upstream = new TcpClient(AddressFamily.InterNetwork))
        {
            // Kafka requests are small and latency-bound; Nagle would add up to 40 ms per round trip.
            client.NoDelay = true;
            upstream.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(_target, cancellationToken);
                var downstreamStream = client.GetStream();
                var upstreamStream = upstream.GetStream();
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var toBroker = downstreamStream.CopyToAsync(upstreamStream, either.Token);
                var toClient = upstreamStream.CopyToAsync(downstreamStream, either.Token);
                // Kafka never half-closes: when one side ends, the connection is over.
                await Task.WhenAny(toBroker, toClient);
                await either.CancelAsync();
                await Task.WhenAll(toBroker, toClient).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A client or the broker went away; closing both ends is all there is to do.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections.Keys);
        _stop.Dispose();
    }
}
