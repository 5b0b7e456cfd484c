using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Forge.Testing.Servers;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>
/// An in-process Kestrel server on loopback that serves a folder at a fixed total rate (bytes/s, shared by all
/// connections), like a slow archive: for progress displays and ETA measurements.
/// </summary>
public sealed class ThrottledServer : IAsyncDisposable
{
    private LoopbackWebServer? _web;
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _bytesPerSecond;
    private double _nextFree;

    private ThrottledServer(double bytesPerSecond) => _bytesPerSecond = bytesPerSecond;

    public string BaseUrl => _web!.BaseUrl;

    public static async Task<ThrottledServer> StartAsync(string root, double bytesPerSecond)
    {
        var server = new ThrottledServer(bytesPerSecond);
        server._web = await LoopbackWebServer.StartAsync(app => app.Run(server.ServeAsync(root)));
        return server;
    }

    private RequestDelegate ServeAsync(string root) => async http =>
    {
        var path = Path.Combine(root, (http.Request.Path.Value ?? "").TrimStart('/'));
        if (!File.Exists(path)) { http.Response.StatusCode = 404; return; }
        var bytes = await File.ReadAllBytesAsync(path);
        http.Response.ContentLength = bytes.Length;
        http.Response.ContentType = "application/octet-stream";
        if (HttpMethods.IsHead(http.Request.Method)) return;
        const int block = 4096;
        for (var at = 0; at < bytes.Length; at += block)
        {
            var n = Math.Min(block, bytes.Length - at);
            await PaceAsync(n, http.RequestAborted);
            await http.Response.Body.WriteAsync(bytes.AsMemory(at, n), http.RequestAborted);
        }
    };

    /// <summary>Reserves n bytes on one shared timeline and waits for their slot.</summary>
    private async Task PaceAsync(int n, CancellationToken ct)
    {
        double due;
        lock (_gate)
        {
            var now = _clock.Elapsed.TotalSeconds;
            due = Math.Max(now, _nextFree);
            _nextFree = due + n / _bytesPerSecond;
        }

        var wait = due - _clock.Elapsed.TotalSeconds;
        if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(wait), ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null) await _web.DisposeAsync();
    }
}
