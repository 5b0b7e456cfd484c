using System.Diagnostics;
using System.Text;
using Forge.Core.Sources;
using Forge.Core.Telemetry;
using Forge.Sources.Tests.Infrastructure;
using Forge.Testing.Servers;

namespace Forge.Sources.Tests.Http;

/// <summary>
/// Servers that misbehave on purpose: every failure is a FetchException that names the URL (never a temp file),
/// leaves nothing in the temp folder, and ends without waiting for the server to give up.
/// </summary>
public sealed class HostileServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60); // a hang fails the test instead of blocking the run
    private readonly HostileHttpServer _server = new();
    private readonly TempDir _temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Dispose();
    }

    private static FetchOptions Options(int retries = 0) => new(Retries: retries, Timeout: TimeSpan.FromSeconds(30))
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(200),
    };

    private async Task<FetchException> FailsAsync(FetchOptions options, string path)
    {
        using var fetcher = new InputFetcher(options, null, new CapturingLogger(), _temp.Sub("tmp"));
        var url = _server.Url(path);
        var e = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url).AsTask().WaitAsync(Bound));
        Assert.Equal(url, e.Url);
        Assert.StartsWith($"fetch failed: {url}: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".part", e.Message, StringComparison.Ordinal);
        Assert.Empty(_temp.AllFiles());
        return e;
    }

    [Fact]
    public async Task A_body_that_trickles_below_the_rate_floor_fails_within_one_window()
    {
        // One byte every 300 ms never trips the 60 s stall timeout; the floor (1 KiB/s over 1 s windows) does.
        _server.Route("/trickle.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 100000");
            for (var i = 0; i < 100_000; i++)
            {
                await s.WriteAsync(new byte[] { 1 }, ct);
                await s.FlushAsync(ct);
                await Task.Delay(300, ct);
            }
        });
        var e = await FailsAsync(Options() with { RateWindow = TimeSpan.FromSeconds(1), MinRate = 1024 }, "/trickle.nc");
        Assert.Contains("too slow", e.Reason, StringComparison.Ordinal);
        Assert.Contains("fetch.min_rate", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_bounds_the_whole_request_headers_and_body()
    {
        _server.Route("/slow.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 10000000");
            for (var i = 0; i < 10_000; i++)
            {
                await s.WriteAsync(new byte[4096], ct);
                await Task.Delay(100, ct);
            }
        });
        var e = await FailsAsync(Options() with { Deadline = TimeSpan.FromSeconds(1) }, "/slow.nc");
        Assert.Contains("fetch.deadline", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_body_is_cut_at_the_size_cap_and_fails()
    {
        _server.Route("/endless.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Transfer-Encoding: chunked");
            var chunk = Encoding.ASCII.GetBytes("10000\r\n").Concat(new byte[0x10000]).Concat("\r\n"u8.ToArray()).ToArray();
            while (!ct.IsCancellationRequested) await s.WriteAsync(chunk, ct);
        });
        var e = await FailsAsync(Options(retries: 2) with { MaxSize = 1 << 20 }, "/endless.nc");
        Assert.Contains("longer than fetch.max_size (1 MiB)", e.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _server.CountOf("/endless.nc")); // a body over the cap is not retried
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_the_body()
    {
        _server.Route("/huge.nc", async (_, s, ct) =>
        {
            await HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 1099511627776");
            while (!ct.IsCancellationRequested) await s.WriteAsync(new byte[65536], ct);
        });
        var e = await FailsAsync(Options() with { MaxSize = 1 << 30 }, "/huge.nc");
        Assert.Contains("declares 1099511627776 bytes, more than fetch.max_size (1 GiB)", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_loop_is_named_with_its_chain()
    {
        _server.Route("/a.nc", (_, s, _) => HostileHttpServer.HeadAsync(s, "302 Found", "Location: /b.nc", "Content-Length: 0"));
        _server.Route("/b.nc", (_, s, _) => HostileHttpServer.HeadAsync(s, "302 Found", $"Location: {_server.Url("/a.nc")}", "Content-Length: 0"));
        var e = await FailsAsync(Options(retries: 3), "/a.nc");
        Assert.Equal($"redirect loop: {_server.Url("/a.nc")} -> {_server.Url("/b.nc")} -> {_server.Url("/a.nc")}", e.Reason);
        Assert.Equal(1, _server.CountOf("/a.nc"));
    }

    [Fact]
    public async Task Too_many_redirects_are_refused_with_the_chain()
    {
        _server.Route("/hop", (r, s, _) =>
        {
            var n = int.Parse(r.Path.Split("?n=")[1], System.Globalization.CultureInfo.InvariantCulture);
            return HostileHttpServer.HeadAsync(s, "301 Moved Permanently", $"Location: /hop?n={n + 1}", "Content-Length: 0");
        });
        var e = await FailsAsync(Options() with { MaxRedirects = 3 }, "/hop?n=0");
        Assert.StartsWith("more than 3 redirects (fetch.max_redirects): ", e.Reason, StringComparison.Ordinal);
        Assert.EndsWith("/hop?n=4", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_sends_no_status_line_or_headers_fails_without_retrying()
    {
        _server.Route("/raw.nc", (_, s, _) => HostileHttpServer.WriteAsync(s, "CDF\u0001 this is not an HTTP response\r\n\r\n"));
        var e = await FailsAsync(Options(retries: 5), "/raw.nc");
        Assert.Contains("did not answer with an HTTP response", e.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _server.CountOf("/raw.nc"));
    }

    [Fact]
    public async Task An_unusable_temp_folder_names_the_url_not_the_temp_path()
    {
        // A regular file where the temp folder should be: every write fails, like a full or read-only TMPDIR.
        var tmp = _temp.Sub("not-a-folder");
        await File.WriteAllTextAsync(tmp, "x");
        _server.Route("/x.nc", (_, s, _) => HostileHttpServer.HeadAsync(s, "200 OK", "Content-Length: 0"));
        using var fetcher = new InputFetcher(Options(), null, new CapturingLogger(), tmp);
        var e = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(_server.Url("/x.nc")).AsTask().WaitAsync(Bound));
        Assert.Equal(_server.Url("/x.nc"), e.Url);
        Assert.StartsWith($"cannot store the download in {tmp}", e.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(".part", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("401 Unauthorized")]
    [InlineData("500 Internal Server Error")]
    public async Task Credentials_echoed_by_the_server_are_masked_in_every_encoding(string status)
    {
        var user = "forge-user";
        var password = "pa ss+w/rd=" + Guid.NewGuid().ToString("N")[..8];
        var blob = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        _server.Route("/echo.nc", async (r, s, _) =>
        {
            var auth = r.Headers.GetValueOrDefault("Authorization") ?? "";
            var body = $"you sent {auth} ({Uri.EscapeDataString(auth)}), password {password}";
            await HostileHttpServer.HeadAsync(s, $"{status[..3]} {status[4..]} {auth}", $"Content-Length: {body.Length}", $"WWW-Authenticate: Basic realm=\"{auth}\"");
            await HostileHttpServer.WriteAsync(s, body);
        });
        var scrubber = new SecretScrubber();
        var logger = new CapturingLogger();
        var env = new Dictionary<string, string> { ["U"] = user, ["P"] = password };
        var options = Options(retries: 1) with { Auth = new FetchAuth.Basic("U", "P") };
        using var fetcher = new InputFetcher(options, null, logger, _temp.Sub("tmp"), env.GetValueOrDefault, scrubber);
        var e = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(_server.Url("/echo.nc")).AsTask().WaitAsync(Bound));

        Assert.Contains(_server.Requests, r => r.Headers.GetValueOrDefault("Authorization") == $"Basic {blob}"); // it was sent
        var outputs = new[] { e.ToString(), e.Reason, logger.All };
        Assert.Contains("***", e.Reason, StringComparison.Ordinal); // the echo did reach the message, masked
        foreach (var text in outputs)
        {
            foreach (var form in SecretScrubber.Encodings(blob).Concat(SecretScrubber.Encodings(password)))
                Assert.DoesNotContain(form, text, StringComparison.Ordinal);
        }
    }
}
