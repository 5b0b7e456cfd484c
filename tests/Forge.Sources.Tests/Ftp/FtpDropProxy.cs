using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Forge.Sources.Tests.Ftp;

/// <summary>
/// An FTP proxy on loopback that relays control and (EPSV) data connections to vsftpd, and cuts the first
/// data connection after a byte budget: a real dropped transfer in the middle of a file.
/// </summary>
public sealed partial class FtpDropProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly long _dropAfter;
    private readonly CancellationTokenSource _stop = new();
    private int _dataConnections;

    public FtpDropProxy(int upstreamPort, long dropAfter)
    {
        _upstreamPort = upstreamPort;
        _dropAfter = dropAfter;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Commands the client sent, in order.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    [GeneratedRegex(@"\(\|\|\|(\d+)\|\)")]
    private static partial Regex Epsv();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = RelayControlAsync(client);
        }
    }

    private async Task RelayControlAsync(TcpClient client)
    {
        using var _ = client;
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
        var toClient = client.GetStream();
        var toServer = upstream.GetStream();
        var up = Task.Run(async () =>
        {
            using var reader = new StreamReader(toClient, Encoding.ASCII, false, 1024, leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
            {
                Commands.Enqueue(line.StartsWith("PASS ", StringComparison.Ordinal) ? "PASS ***" : line);
                await toServer.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            }
        });
        try
        {
            using var reader = new StreamReader(toServer, Encoding.ASCII, false, 1024, leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
            {
                var reply = line;
                if (line.StartsWith("229 ", StringComparison.Ordinal) && Epsv().Match(line) is { Success: true } m)
                {
                    var port = OpenDataRelay(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                    reply = line.Replace(m.Value, $"(|||{port}|)", StringComparison.Ordinal);
                }

                await toClient.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"));
            }
        }
        catch (IOException) { }
        catch (SocketException) { }

        try { await up; } catch (IOException) { } catch (SocketException) { } catch (ObjectDisposedException) { }
    }

    private int OpenDataRelay(int upstreamDataPort)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var index = Interlocked.Increment(ref _dataConnections);
        _ = Task.Run(async () =>
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync();
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, upstreamDataPort);
                var budget = index == 1 ? _dropAfter : long.MaxValue;
                var buffer = new byte[8192];
                var from = upstream.GetStream();
                var to = client.GetStream();
                long sent = 0;
                int read;
                while (sent < budget && (read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, budget - sent)))) > 0)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read));
                    sent += read;
                }

                if (sent >= budget)
                {
                    // Both ends reset: the client sees a dropped transfer, vsftpd a broken data connection.
                    client.Client.LingerState = new LingerOption(true, 0);
                    upstream.Client.LingerState = new LingerOption(true, 0);
                }
                else
                {
                    client.Client.Shutdown(SocketShutdown.Send);
                }
            }
            catch (IOException) { }
            catch (SocketException) { }
            finally
            {
                listener.Stop();
            }
        });
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
