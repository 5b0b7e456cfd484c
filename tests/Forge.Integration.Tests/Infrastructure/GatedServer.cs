using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>
/// An in-process Kestrel server on loopback that serves a folder only once <see cref="Open"/> is called: requests
/// wait at the gate, so a test can hold a run in its fetch stage for as long as it needs, without timing.
/// </summary>
public sealed class GatedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    private GatedServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Requests that reached the gate (waiting or served).</summary>
    public int Requests => Volatile.Read(ref _waiting);

    public static async Task<GatedServer> StartAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new GatedServer(app);
        app.Run(async http =>
        {
            Interlocked.Increment(ref server._waiting);
            await server._gate.Task.WaitAsync(http.RequestAborted);
            var path = Path.Combine(root, (http.Request.Path.Value ?? "").TrimStart('/'));
            if (!File.Exists(path)) { http.Response.StatusCode = 404; return; }
            var bytes = await File.ReadAllBytesAsync(path, http.RequestAborted);
            http.Response.ContentLength = bytes.Length;
            http.Response.ContentType = "application/octet-stream";
            if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        });
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    public void Open() => _gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Open();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
