using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Forge.Testing.Servers;

namespace Forge.Sources.Tests.Infrastructure;

/// <summary>What the fault-injecting server does to one request.</summary>
public enum Fault
{
    None,
    Status500,
    Status503,
    TooManyRequests,
    ResetMidBody,
    ShortBody,
    Stall,
}

/// <summary>One request as the server saw it.</summary>
public sealed record RequestRecord(string Name, int Attempt, long RangeStart, int Status, DateTimeOffset At, string? Authorization, string Query);

/// <summary>
/// In-process Kestrel on 127.0.0.1:0 serving generated files under /files/NAME with a deterministic fault schedule
/// (per file and attempt). Counts concurrent requests and records every request.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    private readonly LoopbackWebServer _web;
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _retryAfterIssued = new();
    private int _inFlight;
    private int _maxInFlight;

    private FaultServer(LoopbackWebServer web) => _web = web;

    public string BaseUrl => _web.BaseUrl;

    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    /// <summary>(file name, 0-based attempt) → fault.</summary>
    public Func<string, int, Fault> Schedule { get; set; } = (_, _) => Fault.None;

    /// <summary>When set, a request must satisfy it or gets 401.</summary>
    public Func<HttpRequest, bool>? Authorize { get; set; }

    public TimeSpan StallFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between body chunks (slow server).</summary>
    public TimeSpan ChunkDelay { get; set; } = TimeSpan.Zero;

    public int ChunkSize { get; set; } = 65536;

    public ConcurrentQueue<RequestRecord> Requests { get; } = new();

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Requests that came back sooner than the Retry-After the server asked for.</summary>
    public ConcurrentQueue<string> RetryAfterViolations { get; } = new();

    public string Url(string name) => $"{BaseUrl}/files/{name}";

    public static async Task<FaultServer> StartAsync()
    {
        FaultServer? server = null;
        var web = await LoopbackWebServer.StartAsync(app => app.Run(ctx => server!.HandleAsync(ctx)));
        server = new FaultServer(web);
        return server;
    }

    /// <summary>Adds <paramref name="count"/> files of varied deterministic content; returns name → sha256.</summary>
    public IReadOnlyDictionary<string, string> AddGeneratedFiles(int count, int minSize = 10_000, int spread = 200_000)
    {
        var hashes = new Dictionary<string, string>();
        for (var i = 0; i < count; i++)
        {
            var name = $"input-{i:D3}.nc";
            var data = new byte[minSize + (int)((long)i * 7919 % spread)];
            new Random(i).NextBytes(data);
            Files[name] = data;
            hashes[name] = Convert.ToHexStringLower(SHA256.HashData(data));
        }

        return hashes;
    }

    public int AttemptsOf(string name) => Requests.Count(r => r.Name == name);

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max) break;
        }

        var left = 0;
        void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 0) Interlocked.Decrement(ref _inFlight);
        }

        try
        {
            await ServeAsync(ctx, Leave);
        }
        finally
        {
            Leave();
        }
    }

    private async Task ServeAsync(HttpContext ctx, Action leave)
    {
        var path = ctx.Request.Path.Value ?? "";
        var name = path.StartsWith("/files/", StringComparison.Ordinal) ? path["/files/".Length..] : "";
        var attempt = _attempts.AddOrUpdate(name, 0, (_, n) => n + 1);
        long rangeStart = 0;
        var rangeHeader = ctx.Request.Headers.Range.ToString();
        if (rangeHeader.StartsWith("bytes=", StringComparison.Ordinal) && rangeHeader.EndsWith('-'))
            rangeStart = long.Parse(rangeHeader["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);

        void Record(int status) => Requests.Enqueue(new RequestRecord(name, attempt, rangeStart, status, DateTimeOffset.UtcNow,
            ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, ctx.Request.QueryString.Value ?? ""));

        if (_retryAfterIssued.TryRemove(name, out var issued) && DateTimeOffset.UtcNow - issued < TimeSpan.FromMilliseconds(900))
            RetryAfterViolations.Enqueue($"{name}: back after {(DateTimeOffset.UtcNow - issued).TotalMilliseconds:0}ms");

        if (Authorize is { } authorize && !authorize(ctx.Request))
        {
            Record(401);
            ctx.Response.StatusCode = 401;
            ctx.Response.Headers.WWWAuthenticate = "Basic realm=\"forge-test\"";
            return;
        }

        if (!Files.TryGetValue(name, out var data))
        {
            Record(404);
            ctx.Response.StatusCode = 404;
            return;
        }

        var fault = Schedule(name, attempt);
        switch (fault)
        {
            case Fault.Status500:
            case Fault.Status503:
                Record(fault == Fault.Status500 ? 500 : 503);
                ctx.Response.StatusCode = fault == Fault.Status500 ? 500 : 503;
                return;
            case Fault.TooManyRequests:
                Record(429);
                _retryAfterIssued[name] = DateTimeOffset.UtcNow;
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers.RetryAfter = "1";
                return;
        }

        var etag = $"\"{name}-v1\"";
        var ifRange = ctx.Request.Headers.IfRange.ToString();
        if (ifRange.Length > 0 && ifRange != etag) rangeStart = 0;
        if (rangeStart > data.Length) rangeStart = 0;
        var length = data.Length - rangeStart;
        ctx.Response.Headers.ETag = etag;
        ctx.Response.Headers.AcceptRanges = "bytes";
        if (rangeStart > 0)
        {
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {rangeStart}-{data.Length - 1}/{data.Length}";
        }

        Record(ctx.Response.StatusCode);
        ctx.Response.ContentLength = length;
        var body = data.AsMemory((int)rangeStart);
        switch (fault)
        {
            case Fault.ResetMidBody:
                await ctx.Response.Body.WriteAsync(body[..(int)Math.Max(1, length / 2)]);
                await ctx.Response.Body.FlushAsync();
                leave();
                ctx.Abort();
                return;
            case Fault.ShortBody:
                // Kestrel sees fewer bytes than Content-Length at the end and closes the connection.
                leave();
                await ctx.Response.Body.WriteAsync(body[..(int)Math.Max(1, length / 3)]);
                await ctx.Response.Body.FlushAsync();
                return;
            case Fault.Stall:
                await ctx.Response.Body.WriteAsync(body[..(int)Math.Max(1, length / 4)]);
                await ctx.Response.Body.FlushAsync();
                try { await Task.Delay(StallFor, ctx.RequestAborted); } catch (OperationCanceledException) { }
                ctx.Abort();
                return;
        }

        for (var offset = 0; offset < body.Length; offset += ChunkSize)
        {
            var last = offset + ChunkSize >= body.Length;
            if (last) leave(); // the client may finish and start its next request as soon as this chunk lands
            await ctx.Response.Body.WriteAsync(body.Slice(offset, Math.Min(ChunkSize, body.Length - offset)));
            if (!last && ChunkDelay > TimeSpan.Zero) await Task.Delay(ChunkDelay);
        }
    }
}
