using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forge.Testing.Servers;

/// <summary>
/// The set-up every in-process test HTTP server shares: Kestrel on a free loopback port, no logging, the handler
/// pipeline the caller builds, and its base address once it listens. Dispose stops it.
/// </summary>
public sealed class LoopbackWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackWebServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>"http://127.0.0.1:PORT", without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>Builds the app, lets <paramref name="configure"/> add its middleware and handler, and starts listening.</summary>
    public static async Task<LoopbackWebServer> StartAsync(Action<WebApplication> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackWebServer(app, address.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
