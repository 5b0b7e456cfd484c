using Forge.Core.Datasets;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Http;

/// <summary>
/// <see cref="InputFetcher.OpenRandomAccessAsync"/> against a Kestrel server with closed ranges: the bytes read equal
/// the file's, the block cache means a block crosses the network once, 5xx are retried, a server that ignores ranges
/// makes it fall back (null, one log line), a file that changes between requests and a read past the end are errors
/// naming the URL, and secrets never show in errors or logs.
/// </summary>
public sealed class RangeReadTests
{
    private static FetchOptions Fast(FetchAuth? auth = null) =>
        new(Retries: 2) { RetryBaseDelay = TimeSpan.FromMilliseconds(5), Auth = auth };

    private static byte[] Bytes(int n)
    {
        var data = new byte[n];
        new Random(7).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task Random_reads_return_the_files_bytes_and_each_block_crosses_the_network_once()
    {
        var data = Bytes(1_000_003);
        await using var server = await RangeServer.StartAsync(data);
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(), null, new CapturingLogger(), temp.Path);
        await using var input = await fetcher.OpenRandomAccessAsync(server.Url);
        Assert.NotNull(input);
        Assert.Equal(data.Length, input.Length);
        Assert.Equal("\"v1\"", input.Validators.ETag);

        var random = new Random(11);
        var blocks = new HashSet<long>();
        for (var i = 0; i < 300; i++)
        {
            var offset = random.NextInt64(0, data.Length - 1);
            var length = (int)Math.Min(random.Next(1, 20_000), data.Length - offset);
            var buffer = new byte[length];
            await input.ReadAsync(offset, buffer);
            Assert.True(data.AsSpan((int)offset, length).SequenceEqual(buffer), $"bytes at {offset}+{length}");
            for (var b = offset / 4096; b <= (offset + length - 1) / 4096; b++) blocks.Add(b);
        }

        for (var b = 0; b < 16; b++) blocks.Add(b); // the first request's 64 KiB
        long needed = blocks.Sum(b => Math.Min(4096, data.Length - (b * 4096)));
        Assert.Equal(needed, server.BytesSent);
        Assert.Equal(server.BytesSent, input.BytesFetched);
        Assert.Equal(server.RequestCount, input.Requests);

        // No byte crossed the network twice: the ranges asked for are disjoint.
        var ranges = server.Log.Select(r => r.Range["bytes=".Length..].Split('-')).Select(p => (From: long.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), To: long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).OrderBy(r => r.From).ToList();
        for (var i = 1; i < ranges.Count; i++) Assert.True(ranges[i].From > ranges[i - 1].To, $"ranges {ranges[i - 1]} and {ranges[i]} overlap");

        var sent = server.BytesSent;
        await input.ReadAsync(0, new byte[10_000]);
        Assert.Equal(sent, server.BytesSent);
    }

    [Fact]
    public async Task Server_errors_are_retried_and_logged()
    {
        var data = Bytes(300_000);
        await using var server = await RangeServer.StartAsync(data);
        server.Fault = n => n is 1 or 2 ? 503 : 0;
        using var temp = new TempDir();
        var logger = new CapturingLogger();
        using var fetcher = new InputFetcher(Fast(), null, logger, temp.Path);
        await using var input = await fetcher.OpenRandomAccessAsync(server.Url);
        var buffer = new byte[1000];
        await input!.ReadAsync(200_000, buffer);
        Assert.True(data.AsSpan(200_000, 1000).SequenceEqual(buffer));
        Assert.Contains("retry 2 of", logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_gives_null_and_a_log_line_without_reading_the_body()
    {
        await using var server = await RangeServer.StartAsync(Bytes(5_000_000));
        server.IgnoreRanges = true;
        using var temp = new TempDir();
        var logger = new CapturingLogger();
        using var fetcher = new InputFetcher(Fast(), null, logger, temp.Path);
        Assert.Null(await fetcher.OpenRandomAccessAsync(server.Url));
        Assert.Contains($"{server.Url}: the server does not honour range requests", logger.All, StringComparison.Ordinal);
        Assert.Empty(temp.AllFiles());

        // The host is not asked again: each probe of such a server starts a whole download.
        var asked = server.Log.Count;
        Assert.Null(await fetcher.OpenRandomAccessAsync(server.Url + "?another"));
        Assert.Equal(asked, server.Log.Count);
        Assert.True(logger.Lines.Count(l => l.StartsWith("Warning 6 ", StringComparison.Ordinal)) == 1, logger.All);
    }

    [Fact]
    public async Task A_file_that_changes_between_requests_is_an_error_naming_the_url()
    {
        await using var server = await RangeServer.StartAsync(Bytes(500_000));
        server.ChangesAtRequest = 1;
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(), null, new CapturingLogger(), temp.Path);
        await using var input = await fetcher.OpenRandomAccessAsync(server.Url);
        var e = await Assert.ThrowsAsync<FetchException>(async () => await input!.ReadAsync(400_000, new byte[100]));
        Assert.Equal(server.Url, e.Url);
        Assert.Contains("changed", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_past_the_end_names_the_url()
    {
        await using var server = await RangeServer.StartAsync(Bytes(100_000));
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(), null, new CapturingLogger(), temp.Path);
        await using var input = await fetcher.OpenRandomAccessAsync(server.Url);
        var e = await Assert.ThrowsAsync<DataException>(async () => await input!.ReadAsync(99_990, new byte[20]));
        Assert.StartsWith($"{server.Url}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_go_on_the_wire_but_never_into_errors_or_logs()
    {
        const string token = "tok-6a1f0c3e9b27d845";
        const string key = "key-51c0e7d2a94b8f36";
        Environment.SetEnvironmentVariable("FORGE_RANGE_TEST_TOKEN", token);
        Environment.SetEnvironmentVariable("FORGE_RANGE_TEST_KEY", key);
        try
        {
            await using var server = await RangeServer.StartAsync(Bytes(400_000));
            server.BearerToken = token;
            server.Fault = n => n >= 1 ? 500 : 0;
            using var temp = new TempDir();
            var logger = new CapturingLogger();
            var options = Fast(new FetchAuth.BearerEnv("FORGE_RANGE_TEST_TOKEN")) with { };
            options = options with { QuerySecrets = new Dictionary<string, string> { ["apikey"] = "FORGE_RANGE_TEST_KEY" } };
            using var fetcher = new InputFetcher(options, null, logger, temp.Path);
            await using var input = await fetcher.OpenRandomAccessAsync(server.Url);
            Assert.NotNull(input);
            var e = await Assert.ThrowsAsync<FetchException>(async () => await input.ReadAsync(300_000, new byte[10]));
            Assert.Contains("HTTP 500", e.Reason, StringComparison.Ordinal);
            Assert.Contains(server.Log, r => r.Query.Contains(key, StringComparison.Ordinal));
            foreach (var text in new[] { e.ToString(), logger.All, input.Url })
            {
                Assert.DoesNotContain(token, text, StringComparison.Ordinal);
                Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("FORGE_RANGE_TEST_TOKEN", null);
            Environment.SetEnvironmentVariable("FORGE_RANGE_TEST_KEY", null);
        }
    }
}
