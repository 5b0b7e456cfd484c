using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;
using Forge.Testing.Servers;

namespace Forge.Integration.Tests.Infrastructure;

/// <summary>An in-process Kestrel server on a free loopback port serving a folder, with Range support (or, with <c>honourRanges: false</c>, a server that ignores Range headers and answers 200 with the whole file).</summary>
public sealed class StaticServer : IAsyncDisposable
{
    private readonly LoopbackWebServer _web;

    private StaticServer(LoopbackWebServer web, System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> requests)
    {
        _web = web;
        _requests = requests;
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)> _requests;

    public string BaseUrl => _web.BaseUrl;

    /// <summary>Every request served so far (method, path), in arrival order: tests count downloads with it.</summary>
    public IReadOnlyList<(string Method, string Path)> Requests => [.. _requests];

    public static async Task<StaticServer> StartAsync(string root, bool honourRanges = true)
    {
        var requests = new System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path)>();
        var ranges = new System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path, string Range)>();
        var served = new StrongBox<long>();
        var web = await LoopbackWebServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                requests.Enqueue((context.Request.Method, context.Request.Path.Value ?? ""));
                ranges.Enqueue((context.Request.Method, context.Request.Path.Value ?? "", context.Request.Headers.Range.ToString()));
                if (!honourRanges)
                {
                    context.Request.Headers.Remove("Range");
                    context.Request.Headers.Remove("If-Range");
                }

                // Counts the body bytes sent, so tests can show how much a verb downloaded.
                var body = context.Response.Body;
                await using var counting = new CountingStream(body, n => Interlocked.Add(ref served.Value, n));
                context.Response.Body = counting;
                try { await next(context); }
                finally { context.Response.Body = body; }
            });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root), ServeUnknownFileTypes = true });
        });
        return new StaticServer(web, requests) { _served = served, _ranges = ranges };
    }

    private StrongBox<long> _served = new();

    private System.Collections.Concurrent.ConcurrentQueue<(string Method, string Path, string Range)> _ranges = new();

    /// <summary>Every request served so far with its Range header ("" without one), in arrival order: a download is a GET without a range.</summary>
    public IReadOnlyList<(string Method, string Path, string Range)> RequestsWithRanges => [.. _ranges];

    /// <summary>Response body bytes sent so far.</summary>
    public long BytesServed => Interlocked.Read(ref _served.Value);

    private sealed class CountingStream(Stream inner, Action<long> onWrite) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            onWrite(count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            onWrite(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask; // the server owns the real body
    }

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
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
