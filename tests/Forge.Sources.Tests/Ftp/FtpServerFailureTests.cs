using System.Net;
using System.Net.Sockets;
using System.Text;
using Forge.Core.Sources;
using Forge.Sources.Tests.Infrastructure;

namespace Forge.Sources.Tests.Ftp;

/// <summary>
/// vsftpd now and then answers a login with "500 OOPS: …" when its session process fails under load (seen in CI):
/// that is the server failing, so it is retried like a 4xx, unlike a 530 (wrong credentials).
/// </summary>
public sealed class FtpServerFailureTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A500AtLoginIsRetriedNotReportedAsBadCredentials()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sessions = 0;
        var server = Task.Run(async () =>
        {
            while (!deadline.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(deadline.Token);
                Interlocked.Increment(ref sessions);
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await stream.WriteAsync("220 ready\r\n"u8.ToArray(), deadline.Token);
                await reader.ReadLineAsync(deadline.Token); // USER
                await stream.WriteAsync("500 OOPS: child died\r\n"u8.ToArray(), deadline.Token);
            }
        });

        using var fetcher = new InputFetcher(new FetchOptions(Retries: 2) { RetryBaseDelay = TimeSpan.FromMilliseconds(10) }, null, new CapturingLogger(), _temp.Path);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<FetchException>(() => fetcher.ListFtpDirectoryAsync($"ftp://127.0.0.1:{port}/pub/", ct: deadline.Token));

        Assert.Equal(3, Volatile.Read(ref sessions));
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("check fetch.auth", error.Message, StringComparison.Ordinal);
        await deadline.CancelAsync();
        await Task.WhenAny(server, Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
