using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Forge.Testing.Servers;

/// <summary>One request as a <see cref="HostileHttpServer"/> read it.</summary>
public sealed record RawRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A loopback HTTP/1.1 server on raw sockets for behaviours Kestrel will not produce: no status line, a body that
/// trickles or never ends, a declared length far beyond the body, echoed credentials, redirect loops. Each path
/// maps to a handler that writes the raw response itself.
/// </summary>
public sealed class HostileHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Func<RawRequest, Stream, CancellationToken, Task>> _routes = new(StringComparer.Ordinal);
    private readonly Task _accepting;

    public HostileHttpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>
    /// Serve every request a connection carries (HTTP/1.1 keep-alive), not just the first: a handler that leaves bytes
    /// behind on a kept-alive connection shows what a client does with them on its next request.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary>Every request received, in order (connections that sent no request are not counted).</summary>
    public ConcurrentQueue<RawRequest> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public int CountOf(string path) => Requests.Count(r => r.Path.Split('?')[0] == path);

    public HostileHttpServer Route(string path, Func<RawRequest, Stream, CancellationToken, Task> handler)
    {
        _routes[path] = handler;
        return this;
    }

    /// <summary>Writes a status line and headers (Connection: close is added unless a Connection header is given).</summary>
    public static Task HeadAsync(Stream s, string status, params string[] headers) =>
        WriteAsync(s, $"HTTP/1.1 {status}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}"
            + (headers.Any(h => h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)) ? "" : "Connection: close\r\n") + "\r\n");

    public static async Task WriteAsync(Stream s, string text)
    {
        await s.WriteAsync(Encoding.Latin1.GetBytes(text));
        await s.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (OperationCanceledException) { } catch (SocketException) { } catch (ObjectDisposedException) { }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                do
                {
                    var request = await ReadRequestAsync(stream);
                    if (request is null) return;
                    Requests.Enqueue(request);
                    var path = request.Path.Split('?')[0];
                    if (_routes.TryGetValue(path, out var handler)) await handler(request, stream, _stop.Token);
                    else await HeadAsync(stream, "404 Not Found", "Content-Length: 0");
                }
                while (KeepAlive);
            }
            catch (IOException) { }
            catch (SocketException) { }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
        }
    }

    private async Task<RawRequest?> ReadRequestAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 65536)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0) return null;
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r') break;
        }

        var lines = Encoding.Latin1.GetString([.. bytes]).Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length < 2) return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return new RawRequest(first[0], first[1], headers);
    }
}
