using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Synth.Testing;

/// <summary>One span as received over OTLP.</summary>
public sealed record ReceivedSpan(
    string ServiceName,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int KindInternal = 1;
    public const int KindServer = 2;
    public const int KindClient = 3;
    public const int KindProducer = 4;
    public const int KindConsumer = 5;
}

/// <summary>
/// A real OTLP/HTTP (protobuf) trace receiver on loopback, the endpoint the services export to in tests. It decodes
/// just the fields tests assert on (service name, ids, name, kind, string attributes) from the protobuf wire format.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly Task _loop;

    public OtlpTraceReceiver()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The value for Telemetry:OtlpEndpoint with protocol http/protobuf.</summary>
    public Uri TracesEndpoint => new($"http://127.0.0.1:{Port}/v1/traces");

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans.ToArray();

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in OtlpProtobuf.ParseExportTraceServiceRequest(body.ToArray()))
                {
                    _spans.Enqueue(span);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}

/// <summary>Minimal protobuf reader for opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest.</summary>
internal static class OtlpProtobuf
{
    public static List<ReceivedSpan> ParseExportTraceServiceRequest(byte[] data)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var (field, resourceSpans) in LengthDelimited(data))
        {
            if (field != 1)
            {
                continue;
            }

            var serviceName = "";
            var scopeSpansList = new List<byte[]>();
            foreach (var (f, value) in LengthDelimited(resourceSpans))
            {
                if (f == 1)
                {
                    foreach (var (rf, attribute) in LengthDelimited(value))
                    {
                        if (rf == 1 && KeyValue(attribute) is ("service.name", var name))
                        {
                            serviceName = name;
                        }
                    }
                }
                else if (f == 2)
                {
                    scopeSpansList.Add(value);
                }
            }

            foreach (var scopeSpans in scopeSpansList)
            {
                foreach (var (f, span) in LengthDelimited(scopeSpans))
                {
                    if (f == 2)
                    {
                        spans.Add(ParseSpan(serviceName, span));
                    }
                }
            }
        }

        return spans;
    }

    private static ReceivedSpan ParseSpan(string serviceName, byte[] span)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        var kind = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Reader(span);
        while (!reader.End)
        {
            var (field, wireType) = reader.Tag();
            switch (field, wireType)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (4, 2):
                    var parentBytes = reader.Bytes();
                    parent = parentBytes.Length == 0 ? null : Convert.ToHexStringLower(parentBytes);
                    break;
                case (5, 2): name = System.Text.Encoding.UTF8.GetString(reader.Bytes()); break;
                case (6, 0): kind = (int)reader.Varint(); break;
                case (9, 2):
                    if (KeyValue(reader.Bytes()) is var (key, value))
                    {
                        attributes[key] = value;
                    }

                    break;
                default: reader.Skip(wireType); break;
            }
        }

        return new ReceivedSpan(serviceName, traceId, spanId, parent, name, kind, attributes);
    }

    /// <summary>A KeyValue whose AnyValue is a string, int or bool (as text); null for other kinds.</summary>
    private static (string Key, string Value)? KeyValue(byte[] data)
    {
        string? key = null, value = null;
        foreach (var (f, bytes) in LengthDelimited(data))
        {
            if (f == 1)
            {
                key = System.Text.Encoding.UTF8.GetString(bytes);
            }
            else if (f == 2)
            {
                var reader = new Reader(bytes);
                while (!reader.End)
                {
                    var (vf, wt) = reader.Tag();
                    switch (vf, wt)
                    {
                        case (1, 2): value = System.Text.Encoding.UTF8.GetString(reader.Bytes()); break;
                        case (2, 0): value = reader.Varint() != 0 ? "true" : "false"; break;
                        case (3, 0): value = ((long)reader.Varint()).ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                        default: reader.Skip(wt); break;
                    }
                }
            }
        }

        return key is not null && value is not null ? (key, value) : null;
    }

    /// <summary>The length-delimited fields of a message (other wire types are skipped).</summary>
    private static IEnumerable<(int Field, byte[] Value)> LengthDelimited(byte[] data)
    {
        var reader = new Reader(data);
        var fields = new List<(int, byte[])>();
        while (!reader.End)
        {
            var (field, wireType) = reader.Tag();
            if (wireType == 2)
            {
                fields.Add((field, reader.Bytes()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return fields;
    }

    private sealed class Reader(byte[] data)
    {
        private int _position;

        public bool End => _position >= data.Length;

        public (int Field, int WireType) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = data[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new FormatException("Malformed varint in OTLP payload.");
        }

        public byte[] Bytes()
        {
            var length = checked((int)Varint());
            var bytes = data.AsSpan(_position, length).ToArray();
            _position += length;
            return bytes;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: _position += checked((int)Varint()); break;
                case 5: _position += 4; break;
                default: throw new FormatException($"Unsupported protobuf wire type {wireType} in OTLP payload.");
            }
        }
    }
}
