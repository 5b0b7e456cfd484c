using System.Text;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;
using Forge.Testing.Servers;

namespace Forge.Sources.Tests.Http;

/// <summary>
/// A server that sends more body than its Content-Length declares. SocketsHttpHandler reads exactly the declared
/// bytes and drops the rest without a word (it discards the connection), so the input would be accepted as whole
/// although the server said something else. Forge reads one byte past the declared end and fails naming the URL,
/// with nothing in the temp folder or the input cache, and without poisoning the next request.
/// </summary>
public sealed class BodyPastContentLengthTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60); // a hang fails the test instead of blocking the run
    private static readonly byte[] Body = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] Extra = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!");
    private readonly TempDir _temp = new();
    private HostileHttpServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private static FetchOptions Options() => new(Retries: 2, Timeout: TimeSpan.FromSeconds(30))
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
    };

    private InputFetcher Fetcher() =>
        new(Options(), InputCache.ForDirectory(_temp.Sub("cache")), new CapturingLogger(), _temp.Sub("tmp"));

    private async Task FailsAsync(string path)
    {
        using var fetcher = Fetcher();
        var url = _server.Url(path);
        var e = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url).AsTask().WaitAsync(Bound));
        Assert.Equal(url, e.Url);
        Assert.StartsWith($"fetch failed: {url}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"longer than its Content-Length ({Body.Length} bytes)", e.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(".part", e.Message, StringComparison.Ordinal);
        Assert.Empty(_temp.AllFiles("tmp"));
        Assert.Empty(_temp.AllFiles("cache"));
        Assert.Equal(1, _server.CountOf(path)); // the server's answer will not change: not retried
    }

    [Fact]
    public async Task Extra_bytes_in_the_same_write_as_the_body_fail_naming_the_url()
    {
        _server.Route("/more.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n");
            await s.WriteAsync(Body.Concat(Extra).ToArray(), ct);
        });
        await FailsAsync("/more.nc");
    }

    [Fact]
    public async Task Extra_bytes_sent_after_the_declared_body_fail_naming_the_url()
    {
        _server.Route("/late.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", $"Content-Length: {Body.Length}");
            await s.WriteAsync(Body, ct);
            await s.FlushAsync(ct);
            await s.WriteAsync(Extra, ct); // a separate segment, after the body: only a read past the end sees it
            await s.FlushAsync(ct);
        });
        await FailsAsync("/late.nc");
    }

    [Fact]
    public async Task A_kept_alive_connection_with_extra_bytes_fails_and_does_not_poison_the_next_request()
    {
        await _server.DisposeAsync();
        _server = new HostileHttpServer { KeepAlive = true };
        var good = Enumerable.Range(0, 5).Select(i => (byte)('a' + i)).ToArray();
        _server.Route("/more.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Length: {Body.Length}\r\nConnection: keep-alive\r\n\r\n");
            await s.WriteAsync(Body.Concat(Extra).ToArray(), ct);
        });
        _server.Route("/good.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Length: {good.Length}\r\nConnection: keep-alive\r\n\r\n");
            await s.WriteAsync(good, ct);
        });

        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(_server.Url("/more.nc")).AsTask().WaitAsync(Bound));
        Assert.Equal(_server.Url("/more.nc"), e.Url);
        Assert.Contains($"longer than its Content-Length ({Body.Length} bytes)", e.Reason, StringComparison.Ordinal);

        // The next input gets its own bytes, never the leftover "EVIL!" response.
        await using var next = await fetcher.FetchAsync(_server.Url("/good.nc")).AsTask().WaitAsync(Bound);
        Assert.Equal(good, await File.ReadAllBytesAsync(next.LocalPath));
        Assert.DoesNotContain(_temp.AllFiles("cache"), f => File.ReadAllBytes(f).SequenceEqual(Body));
    }

    [Fact]
    public async Task A_chunked_body_longer_than_the_content_length_it_also_declares_fails_naming_the_url()
    {
        // Both framings at once (RFC 9112 6.3: chunked wins, and a client ought to treat it as an error).
        _server.Route("/both.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", $"Content-Length: {Body.Length}", "Transfer-Encoding: chunked");
            var all = Body.Concat(Extra).ToArray();
            await s.WriteAsync(Encoding.ASCII.GetBytes($"{all.Length:x}\r\n"), ct);
            await s.WriteAsync(all, ct);
            await HostileHttpServer.WriteAsync(s, "\r\n0\r\n\r\n");
        });
        using var fetcher = Fetcher();
        var url = _server.Url("/both.nc");
        var e = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url).AsTask().WaitAsync(Bound));
        Assert.Equal(url, e.Url);
        Assert.Contains("Content-Length", e.Reason, StringComparison.Ordinal);
        Assert.Empty(_temp.AllFiles("tmp"));
        Assert.Empty(_temp.AllFiles("cache"));
    }

    [Fact]
    public async Task A_body_of_exactly_its_content_length_is_accepted()
    {
        _server.Route("/exact.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", $"Content-Length: {Body.Length}");
            await s.WriteAsync(Body, ct);
        });
        using var fetcher = Fetcher();
        await using var input = await fetcher.FetchAsync(_server.Url("/exact.nc")).AsTask().WaitAsync(Bound);
        Assert.Equal(Body, await File.ReadAllBytesAsync(input.LocalPath));
    }
}
