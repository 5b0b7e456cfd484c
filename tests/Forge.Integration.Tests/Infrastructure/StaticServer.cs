using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>An in-process Kestrel server on a free loopback port serving a folder, with Range support.</summary>
public sealed class StaticServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticServer(WebApplication app, string baseUrl, System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> requests)
    {
        _app = app;
        BaseUrl = baseUrl;
        _requests = requests;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> _requests;

    public string BaseUrl { get; }

    /// <summary>Every request served so far (method, path), in arrival order: tests count downloads with it.</summary>
    public IReadOnlyList<(string Method, string Path)> Requests => [.. _requests];

    public static async Task<StaticServer> StartAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var requests = new System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)>();
        app.Use(async (context, next) =>
        {
            requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? ""));
            await next(context);
        });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root), ServeUnknownFileTypes = true });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StaticServer(app, address.TrimEnd('/'), requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The shared fixture: generated inputs served over HTTP.</summary>
public sealed class ServedInputs : IAsyncLifetime
{
    public InputFiles Files { get; private set; } = null!;

    public StaticServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Files = new InputFiles();
        Server = await StaticServer.StartAsync(Files.Root);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Files.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServedInputsCollection : ICollectionFixture<ServedInputs>
{
    public const string Name = "served inputs";
}
