using System.Net;
using System.Net.Sockets;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Http;

/// <summary>Unreachable host, 404, 401 and a missing env var each give a FetchException with URL and reason, and leave nothing behind.</summary>
public sealed class BadInputTests
{
    private static FetchOptions Fast(FetchAuth? auth = null) =>
        new(Retries: 2) { RetryBaseDelay = TimeSpan.FromMilliseconds(5), Auth = auth };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task UnreachableHostNamesUrlAndReason()
    {
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(), InputCache.ForDirectory(temp.Sub("cache")), new CapturingLogger(), temp.Sub("tmp"));
        var url = $"http://127.0.0.1:{ClosedPort()}/data/a.nc";

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url));

        Assert.Equal(url, error.Url);
        Assert.Contains("cannot connect", error.Reason, StringComparison.Ordinal);
        Assert.Contains("gave up after 2 retries", error.Reason, StringComparison.Ordinal);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.Empty(temp.AllFiles());
    }

    [Theory]
    [InlineData(404)]
    [InlineData(401)]
    public async Task ClientErrorsFailFastWithStatus(int status)
    {
        await using var server = await FaultServer.StartAsync();
        server.AddGeneratedFiles(1);
        if (status == 401) server.Authorize = r => r.Headers.Authorization.Count > 0;
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(), InputCache.ForDirectory(temp.Sub("cache")), new CapturingLogger(), temp.Sub("tmp"));
        var url = server.Url(status == 404 ? "missing.nc" : "input-000.nc");

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(url));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(url, error.Url);
        Assert.StartsWith($"HTTP {status}", error.Reason, StringComparison.Ordinal);
        Assert.Single(server.Requests); // not retried
        Assert.Empty(temp.AllFiles());
    }

    [Fact]
    public async Task MissingEnvironmentVariableIsNamed()
    {
        await using var server = await FaultServer.StartAsync();
        server.AddGeneratedFiles(1);
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(new FetchAuth.BearerEnv("FORGE_TEST_TOKEN_THAT_IS_NOT_SET")),
            InputCache.ForDirectory(temp.Sub("cache")), new CapturingLogger(), temp.Sub("tmp"), _ => null);

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync(server.Url("input-000.nc")));

        Assert.Contains("FORGE_TEST_TOKEN_THAT_IS_NOT_SET", error.Reason, StringComparison.Ordinal);
        Assert.Contains("bearer_env", error.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Empty(temp.AllFiles());
    }

    [Fact]
    public async Task UnsupportedSchemeIsRejected()
    {
        using var temp = new TempDir();
        using var fetcher = new InputFetcher(Fast(), null, new CapturingLogger(), temp.Path);

        var error = await Assert.ThrowsAsync<FetchException>(async () => await fetcher.FetchAsync("gopher://example.org/x.nc"));

        Assert.Contains("unsupported URL scheme", error.Reason, StringComparison.Ordinal);
    }
}
