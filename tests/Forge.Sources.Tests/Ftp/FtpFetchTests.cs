using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Ftp;

/// <summary>ftp inputs against a real vsftpd: listing, anonymous and authenticated download, resume after a drop, errors.</summary>
public sealed class FtpFetchTests(VsftpdFixture ftp) : IClassFixture<VsftpdFixture>, IDisposable
{
    private readonly TempDir _temp = new();

    private static FetchOptions Fast(FetchAuth? auth = null) => new(Retries: 3) { RetryBaseDelay = TimeSpan.FromMilliseconds(10), Auth = auth };

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ListsDirectory()
    {
        using var fetcher = new InputFetcher(Fast(), null, new CapturingLogger(), _temp.Path);

        var names = await fetcher.ListFtpDirectoryAsync($"ftp://127.0.0.1:{ftp.Port}/pub/");
        var lines = await fetcher.ListFtpDirectoryAsync($"ftp://127.0.0.1:{ftp.Port}/pub/", details: true);

        Assert.Equal(ftp.Hashes.Keys.Order(), names.Select(Path.GetFileName).Order());
        Assert.Contains(lines, l => l.EndsWith(" sst-1.nc", StringComparison.Ordinal) && l.Contains($" {ftp.Sizes["sst-1.nc"]} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadsAnonymouslyByteIdentical()
    {
        var cache = InputCache.ForDirectory(_temp.Sub("cache"));
        using var fetcher = new InputFetcher(Fast(), cache, new CapturingLogger(), _temp.Sub("tmp"));

        var inputs = await Task.WhenAll(ftp.Hashes.Keys.Select(n => fetcher.FetchAsync(ftp.Url(n)).AsTask()));

        foreach (var input in inputs)
        {
            var name = Path.GetFileName(input.Url);
            Assert.Equal(ftp.Hashes[name], Sha.OfFile(input.LocalPath));
            Assert.Equal(0, input.Retries);
        }

        Assert.True((await fetcher.FetchAsync(ftp.Url("sst-2.nc"))).FromCache);
    }

    [Fact]
    public async Task ResumesWithRestAfterDroppedDataConnection()
    {
        await using var proxy = new FtpDropProxy(ftp.Port, dropAfter: 300_000);
        var logger = new CapturingLogger();
        using var fetcher = new InputFetcher(Fast(), null, logger, _temp.Path);

        await using var input = await fetcher.FetchAsync(ftp.Url("sst-3.nc", proxy.Port));

        Assert.Equal(ftp.Hashes["sst-3.nc"], Sha.OfFile(input.LocalPath));
        Assert.True(input.Retries == 1, logger.All + string.Join('\n', proxy.Commands));
        var rest = proxy.Commands.Where(c => c.StartsWith("REST ", StringComparison.Ordinal)).ToArray();
        Assert.Single(rest);
        Assert.InRange(long.Parse(rest[0][5..], System.Globalization.CultureInfo.InvariantCulture), 1, 300_000); // a reset may lose in-flight bytes
        Assert.Equal(2, proxy.Commands.Count(c => c.StartsWith("RETR ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AuthenticatedLoginWorksAndWrongPasswordFailsFast()
    {
        var env = new Dictionary<string, string> { ["FTP_USER"] = VsftpdFixture.User, ["FTP_PASS"] = ftp.Password };
        var logger = new CapturingLogger();
        using var fetcher = new InputFetcher(Fast(new FetchAuth.Basic("FTP_USER", "FTP_PASS")), null, logger, _temp.Path, env.GetValueOrDefault);

        await using var input = await fetcher.FetchAsync(ftp.Url("sst-0.nc"));
        Assert.Equal(ftp.Hashes["sst-0.nc"], Sha.OfFile(input.LocalPath));

        env["FTP_PASS"] = "wrong-" + ftp.Password;
        using var wrong = new InputFetcher(Fast(new FetchAuth.Basic("FTP_USER", "FTP_PASS")), null, logger, _temp.Sub("w"), env.GetValueOrDefault);
        var error = await Assert.ThrowsAsync<FetchException>(async () => await wrong.FetchAsync(ftp.Url("sst-0.nc")));
        Assert.Equal(530, error.StatusCode);
        Assert.Contains("login failed", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ftp.Password, error.ToString() + logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFileGivesFetchExceptionAndLeavesNothing()
    {
        using var fetcher = new InputFetcher(Fast(), InputCache.ForDirectory(_temp.Sub("cache")), new CapturingLogger(), _temp.Sub("tmp"));
        var url = ftp.Url("nope.nc");

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url));

        Assert.Equal(url, error.Url);
        Assert.Equal(550, error.StatusCode);
        Assert.Contains("no such file", error.Reason, StringComparison.Ordinal);
        Assert.Empty(_temp.AllFiles());
    }
}
