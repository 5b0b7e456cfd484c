using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Forge.Testing.Servers;

namespace Forge.Sources.Tests.S3;

/// <summary>A Kestrel reverse proxy in front of moto that resets the connection halfway through the first object GET.</summary>
public sealed class S3DropProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Host", "Content-Length",
    };

    private LoopbackWebServer? _web;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
    private int _gets;

    public string Endpoint => _web!.BaseUrl;

    /// <summary>Range header of each object GET, in order ("" when none).</summary>
    public ConcurrentQueue<string> GetRanges { get; } = new();

    public static async Task<S3DropProxy> StartAsync(string upstream)
    {
        var proxy = new S3DropProxy();
        proxy._web = await LoopbackWebServer.StartAsync(app => app.Run(ctx => proxy.ForwardAsync(ctx, upstream)));
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        _upstream.Dispose();
        if (_web is not null) await _web.DisposeAsync();
    }

    private async Task ForwardAsync(HttpContext ctx, string upstream)
    {
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), upstream + ctx.Request.Path + ctx.Request.QueryString);
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0) request.Content = new StreamContent(ctx.Request.Body);
        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray())) request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name)) ctx.Response.Headers[name] = values.ToArray();
        }

        var body = await response.Content.ReadAsByteArrayAsync(ctx.RequestAborted);
        ctx.Response.ContentLength = ctx.Request.Method == "HEAD" ? response.Content.Headers.ContentLength : body.Length;
        var isObjectGet = ctx.Request.Method == "GET" && ctx.Request.Path.Value!.Count(c => c == '/') >= 2 && !ctx.Request.QueryString.HasValue;
        if (isObjectGet)
        {
            GetRanges.Enqueue(ctx.Request.Headers.Range.ToString());
            if (Interlocked.Increment(ref _gets) == 1 && body.Length > 1)
            {
                await ctx.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2));
                await ctx.Response.Body.FlushAsync();
                ctx.Abort();
                return;
            }
        }

        await ctx.Response.Body.WriteAsync(body);
    }
}
