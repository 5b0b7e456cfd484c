using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Forge.Testing.Servers;

namespace Forge.Sources.Tests.Infrastructure;

/// <summary>
/// In-process Kestrel serving one byte array at /file with closed ranges (<c>bytes=a-b</c>, <c>If-Range</c> on its
/// ETag), for the range-read tests: per-request faults, a mode that ignores ranges, a new version of the file after a
/// number of requests, and a record of every range asked for and bytes sent.
/// </summary>
public sealed partial class RangeServer : IAsyncDisposable
{
    private readonly LoopbackWebServer _web;
    private int _requests;
    private long _bytesSent;

    private RangeServer(LoopbackWebServer web) => _web = web;

    public string BaseUrl => _web.BaseUrl;

    public string Url => $"{BaseUrl}/file";

    public byte[] Data { get; set; } = [];

    /// <summary>Answer every request with the whole file (200), as a server without range support does.</summary>
    public bool IgnoreRanges { get; set; }

    /// <summary>0-based request number → HTTP status to fail with (0: serve).</summary>
    public Func<int, int> Fault { get; set; } = _ => 0;

    /// <summary>From this request number on, the file is a new version (other bytes, other ETag).</summary>
    public int ChangesAtRequest { get; set; } = int.MaxValue;

    /// <summary>When set, a request must carry this bearer token or gets 401.</summary>
    public string? BearerToken { get; set; }

    public ConcurrentQueue<(int Number, string Range, int Status, string Query)> Log { get; } = new();

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public int RequestCount => Volatile.Read(ref _requests);

    public static async Task<RangeServer> StartAsync(byte[] data)
    {
        RangeServer? server = null;
        var web = await LoopbackWebServer.StartAsync(app => app.Run(ctx => server!.ServeAsync(ctx)));
        server = new RangeServer(web) { Data = data };
        return server;
    }

    [GeneratedRegex(@"^bytes=(\d+)-(\d+)$")]
    private static partial Regex ClosedRange();

    private async Task ServeAsync(HttpContext ctx)
    {
        var number = Interlocked.Increment(ref _requests) - 1;
        var range = ctx.Request.Headers.Range.ToString();
        void Record(int status) => Log.Enqueue((number, range, status, ctx.Request.QueryString.Value ?? ""));
        if (BearerToken is { } token && ctx.Request.Headers.Authorization.ToString() != $"Bearer {token}")
        {
            Record(401);
            ctx.Response.StatusCode = 401;
            return;
        }

        if (Fault(number) is var status and > 0)
        {
            Record(status);
            ctx.Response.StatusCode = status;
            return;
        }

        var changed = number >= ChangesAtRequest;
        var data = changed ? [.. Data.Select(b => (byte)~b)] : Data;
        var etag = changed ? "\"v2\"" : "\"v1\"";
        ctx.Response.Headers.ETag = etag;
        var ifRange = ctx.Request.Headers.IfRange.ToString();
        var m = ClosedRange().Match(range);
        if (IgnoreRanges || !m.Success || (ifRange.Length > 0 && ifRange != etag))
        {
            Record(200);
            ctx.Response.ContentLength = data.Length;
            await ctx.Response.Body.WriteAsync(data);
            Interlocked.Add(ref _bytesSent, data.Length);
            return;
        }

        ctx.Response.Headers.AcceptRanges = "bytes";
        long from = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), to = Math.Min(data.Length - 1, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        if (from >= data.Length)
        {
            Record(416);
            ctx.Response.StatusCode = 416;
            ctx.Response.Headers.ContentRange = $"bytes */{data.Length}";
            return;
        }

        Record(206);
        ctx.Response.StatusCode = 206;
        ctx.Response.Headers.ContentRange = $"bytes {from}-{to}/{data.Length}";
        ctx.Response.ContentLength = to - from + 1;
        await ctx.Response.Body.WriteAsync(data.AsMemory((int)from, (int)(to - from + 1)));
        Interlocked.Add(ref _bytesSent, to - from + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
    }
}
