using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Forge.Testing.Servers;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>
/// An in-process Kestrel server on loopback that serves a folder only once <see cref="Open"/> is called: requests
/// wait at the gate, so a test can hold a run in its fetch stage for as long as it needs, without timing.
/// </summary>
public sealed class GatedServer : IAsyncDisposable
{
    private LoopbackWebServer? _web;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public string BaseUrl => _web!.BaseUrl;

    /// <summary>Requests that reached the gate (waiting or served).</summary>
    public int Requests => Volatile.Read(ref _waiting);

    public static async Task<GatedServer> StartAsync(string root)
    {
        var server = new GatedServer();
        server._web = await LoopbackWebServer.StartAsync(app => app.Run(async http =>
        {
            Interlocked.Increment(ref server._waiting);
            await server._gate.Task.WaitAsync(http.RequestAborted);
            var path = Path.Combine(root, (http.Request.Path.Value ?? "").TrimStart('/'));
            if (!File.Exists(path)) { http.Response.StatusCode = 404; return; }
            var bytes = await File.ReadAllBytesAsync(path, http.RequestAborted);
            http.Response.ContentLength = bytes.Length;
            http.Response.ContentType = "application/octet-stream";
            if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        }));
        return server;
    }

    public void Open() => _gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Open();
        if (_web is not null) await _web.DisposeAsync();
    }
}
