using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Http;

/// <summary>200 inputs through 5xx bursts, 429 + Retry-After, resets, short bodies and stalls arrive byte-identical.</summary>
public sealed class FaultInjectionTests
{
    // Deterministic schedule: 90 of the 200 inputs meet at least one fault, 145 faults in all.
    private static Fault[] FaultsFor(int index) => (index % 40) switch
    {
        0 or 20 => [Fault.Status500, Fault.Status503],
        1 or 21 => [Fault.TooManyRequests],
        2 or 12 or 22 or 32 => [Fault.ResetMidBody],
        3 or 13 or 23 or 33 => [Fault.ShortBody],
        4 => [Fault.Stall],
        5 or 25 => [Fault.Status503, Fault.ResetMidBody, Fault.ShortBody],
        6 or 26 => [Fault.ResetMidBody, Fault.ResetMidBody],
        7 => [Fault.Status500, Fault.Status500, Fault.Status500, Fault.Status503],
        _ => [],
    };

    private static int IndexOf(string name) => int.Parse(name.AsSpan(6, 3), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task TwoHundredInputsSurviveAllFaultsByteIdentical()
    {
        await using var server = await FaultServer.StartAsync();
        var hashes = server.AddGeneratedFiles(200);
        server.Schedule = (name, attempt) => FaultsFor(IndexOf(name)) is var f && attempt < f.Length ? f[attempt] : Fault.None;
        using var temp = new TempDir();
        var logger = new CapturingLogger();
        // The stall timeout is generous so that a loaded CI machine does not produce stalls the schedule did not ask for.
        var options = new FetchOptions(Concurrency: 4, Retries: 5, StallTimeout: TimeSpan.FromSeconds(2))
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        };
        using var fetcher = new InputFetcher(options, null, logger, temp.Path);

        var results = await Task.WhenAll(hashes.Keys.Select(async name => (name, input: await fetcher.FetchAsync(server.Url(name)))));

        foreach (var (name, input) in results)
        {
            Assert.Equal(hashes[name], Sha.OfFile(input.LocalPath));
            Assert.Equal(server.Files[name].Length, input.Bytes);
            Assert.Equal(FaultsFor(IndexOf(name)).Length, input.Retries);
            Assert.Equal(server.Url(name), input.Url);
            Assert.True(input.IsTemporary);
            Assert.False(input.FromCache);
        }

        Assert.Equal(145, results.Sum(r => r.input.Retries));
        Assert.Equal(200 + 145, server.Requests.Count);
        Assert.Empty(server.RetryAfterViolations);
        Assert.True(server.MaxInFlight >= 2, "downloads ran in parallel");
        Assert.Contains("retry 1 of", logger.All, StringComparison.Ordinal);

        foreach (var (_, input) in results) await input.DisposeAsync();
        Assert.Empty(temp.AllFiles());
    }

    [Fact]
    public async Task PerHostConcurrencyLimitHolds()
    {
        await using var server = await FaultServer.StartAsync();
        var hashes = server.AddGeneratedFiles(24, minSize: 64_000, spread: 1);
        server.ChunkSize = 8192;
        server.ChunkDelay = TimeSpan.FromMilliseconds(5);
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(new FetchOptions(Concurrency: 3), null, new CapturingLogger(), temp.Path);

        var inputs = await Task.WhenAll(hashes.Keys.Select(name => fetcher.FetchAsync(server.Url(name)).AsTask()));

        Assert.Equal(3, server.MaxInFlight);
        Assert.All(inputs, i => Assert.Equal(hashes[Path.GetFileName(i.Url)], Sha.OfFile(i.LocalPath)));
    }

    [Fact]
    public async Task ResumesInterruptedBodyWithRange()
    {
        await using var server = await FaultServer.StartAsync();
        var hashes = server.AddGeneratedFiles(1, minSize: 300_000);
        var name = hashes.Keys.Single();
        server.Schedule = (_, attempt) => attempt == 0 ? Fault.ResetMidBody : Fault.None;
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(new FetchOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(10) }, null, new CapturingLogger(), temp.Path);

        await using var input = await fetcher.FetchAsync(server.Url(name));

        Assert.Equal(hashes[name], Sha.OfFile(input.LocalPath));
        Assert.Equal(1, input.Retries);
        var requests = server.Requests.Where(r => r.Name == name).OrderBy(r => r.Attempt).ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal((0L, 200), (requests[0].RangeStart, requests[0].Status));
        Assert.True(requests[1].RangeStart > 0, "second request must resume with a Range");
        Assert.Equal(206, requests[1].Status);
    }

    [Fact]
    public async Task StallLongerThanTimeoutFailsWithReasonAfterRetries()
    {
        await using var server = await FaultServer.StartAsync();
        var name = server.AddGeneratedFiles(1).Keys.Single();
        server.Schedule = (_, _) => Fault.Stall;
        using var temp = new TempDir();
        // The rate floor off: this is the stall check (a short rate window can fire first, "too slow", under load).
        var options = new FetchOptions(Retries: 2, StallTimeout: TimeSpan.FromMilliseconds(300)) { RetryBaseDelay = TimeSpan.FromMilliseconds(10), MinRate = 0 };
        using var fetcher = new InputFetcher(options, null, new CapturingLogger(), temp.Path);

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(server.Url(name)));

        Assert.Equal(server.Url(name), error.Url);
        Assert.Contains("stalled", error.Reason, StringComparison.Ordinal);
        Assert.Contains("gave up after 2 retries", error.Reason, StringComparison.Ordinal);
        Assert.Equal(3, server.AttemptsOf(name));
        Assert.Empty(temp.AllFiles());
    }

    [Fact]
    public async Task RetryAfterIsHonoured()
    {
        await using var server = await FaultServer.StartAsync();
        var name = server.AddGeneratedFiles(1).Keys.Single();
        server.Schedule = (_, attempt) => attempt == 0 ? Fault.TooManyRequests : Fault.None;
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(new FetchOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1) }, null, new CapturingLogger(), temp.Path);

        await using var input = await fetcher.FetchAsync(server.Url(name));

        var times = server.Requests.Where(r => r.Name == name).OrderBy(r => r.Attempt).Select(r => r.At).ToArray();
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(950), $"second request after {(times[1] - times[0]).TotalMilliseconds}ms");
        Assert.Equal(1, input.Retries);
    }
}
