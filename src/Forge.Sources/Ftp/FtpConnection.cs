using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Forge.Sources;

/// <summary>
/// A minimal FTP control connection (RFC 959 + RFC 2389/3659 SIZE/REST/MDTM + RFC 2428 EPSV): login, binary type,
/// passive data connections. Replies are awaited with the per-request timeout; data reads are guarded by the caller.
/// </summary>
internal sealed class FtpConnection : IAsyncDisposable
{
    private readonly TcpClient _control;
    private readonly StreamReader _reader;
    private readonly Stream _stream;
    private readonly string _host;
    private readonly TimeSpan _timeout;

    private FtpConnection(TcpClient control, string host, TimeSpan timeout)
    {
        _control = control;
        _host = host;
        _timeout = timeout;
        _stream = control.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
    }

    /// <summary>Connects and reads the 220 greeting.</summary>
    public static async Task<FtpConnection> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connect.CancelAfter(timeout);
                try
                {
                    await client.ConnectAsync(host, port, connect.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TransientFetchException($"cannot connect: no answer within {timeout.TotalSeconds:0.###}s");
                }
                catch (SocketException e)
                {
                    throw new TransientFetchException($"cannot connect ({e.Message} {host}:{port})", inner: e);
                }
            }

            var connection = new FtpConnection(client, host, timeout);
            var greeting = await connection.ReadReplyAsync(ct).ConfigureAwait(false);
            if (!greeting.IsPositiveCompletion) throw new TransientFetchException($"FTP server refused the session: {greeting}", greeting.Code);
            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>USER/PASS; a 530 is final (wrong or missing credentials), a 4xx or a 500 (server failure) is retried.</summary>
    public async Task LoginAsync(string user, string password, string redactedUrl, CancellationToken ct)
    {
        var reply = await CommandAsync($"USER {user}", ct).ConfigureAwait(false);
        if (reply.IsPositiveIntermediate) reply = await CommandAsync($"PASS {password}", ct).ConfigureAwait(false);
        if (reply.IsPositiveCompletion) return;
        if (reply.IsTransientNegative) throw new TransientFetchException($"FTP login: {reply}", reply.Code);
        // "500 OOPS: …" is the server failing (vsftpd's session child died), not a verdict on the credentials: retry it.
        if (reply.Code == 500) throw new TransientFetchException($"FTP server failed during login: {reply}", reply.Code);
        throw new FetchException(redactedUrl, $"FTP login failed ({reply.Code}; check fetch.auth)", reply.Code);
    }

    /// <summary>Sends one command and returns its final reply (preliminary 1xx replies are returned too: the caller decides).</summary>
    public async Task<FtpReply> CommandAsync(string command, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
        try
        {
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new TransientFetchException($"FTP control connection lost ({e.Message})", inner: e);
        }

        return await ReadReplyAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads the next reply, following RFC 959 multi-line framing ("123-" … "123 ").</summary>
    public async Task<FtpReply> ReadReplyAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        try
        {
            var first = await ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (first.Length < 3 || !int.TryParse(first.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                throw new TransientFetchException("FTP server sent a malformed reply");
            var text = new StringBuilder(first.Length > 4 ? first[4..] : "");
            if (first.Length > 3 && first[3] == '-')
            {
                var end = first[..3] + " ";
                string line;
                do
                {
                    line = await ReadLineAsync(timeout.Token).ConfigureAwait(false);
                    text.Append('\n').Append(line);
                }
                while (!line.StartsWith(end, StringComparison.Ordinal));
            }

            return new FtpReply(code, text.ToString().Trim());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TransientFetchException($"FTP server did not answer within {_timeout.TotalSeconds:0.###}s");
        }
        catch (IOException e)
        {
            throw new TransientFetchException($"FTP control connection lost ({e.Message})", inner: e);
        }
    }

    /// <summary>Opens a passive data connection: EPSV first (no address games), PASV as a fallback.</summary>
    public async Task<TcpClient> OpenPassiveDataAsync(CancellationToken ct)
    {
        var port = -1;
        var reply = await CommandAsync("EPSV", ct).ConfigureAwait(false);
        if (reply.Code == 229)
        {
            // "229 Entering Extended Passive Mode (|||port|)"
            var open = reply.Text.IndexOf('(', StringComparison.Ordinal);
            var parts = open < 0 ? [] : reply.Text[(open + 1)..].Split(reply.Text[open + 1]);
            if (parts.Length >= 4) int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out port);
        }
        else
        {
            reply = await CommandAsync("PASV", ct).ConfigureAwait(false);
            if (reply.Code != 227) throw Failure("PASV", reply);
            // "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the address is ignored (it is often a private one);
            // the data connection goes to the control connection's host, as curl does by default.
            var numbers = reply.Text[(reply.Text.IndexOf('(', StringComparison.Ordinal) + 1)..].TrimEnd(')', '.').Split(',');
            if (numbers.Length == 6) port = (int.Parse(numbers[4], CultureInfo.InvariantCulture) << 8) | int.Parse(numbers[5], CultureInfo.InvariantCulture);
        }

        if (port is <= 0 or > 65535) throw new TransientFetchException($"FTP server sent an unusable passive reply: {reply}");
        var data = new TcpClient { NoDelay = true };
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connect.CancelAfter(_timeout);
        try
        {
            var remote = (_control.Client.RemoteEndPoint as IPEndPoint)?.Address;
            if (remote is not null) await data.ConnectAsync(remote, port, connect.Token).ConfigureAwait(false);
            else await data.ConnectAsync(_host, port, connect.Token).ConfigureAwait(false);
            return data;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            data.Dispose();
            throw new TransientFetchException($"cannot open FTP data connection ({e.Message})", inner: e);
        }
    }

    /// <summary>Maps a negative reply: 4xx retryable, 5xx final.</summary>
    public static Exception Failure(string command, FtpReply reply, string? redactedUrl = null) =>
        reply.IsTransientNegative || redactedUrl is null
            ? new TransientFetchException($"FTP {command}: {reply}", reply.Code)
            : new FetchException(redactedUrl, $"FTP {command}: {reply}", reply.Code);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _stream.WriteAsync("QUIT\r\n"u8.ToArray(), quit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // the connection is going away anyway
        }

        _reader.Dispose();
        _control.Dispose();
    }

    private async Task<string> ReadLineAsync(CancellationToken ct) =>
        await _reader.ReadLineAsync(ct).ConfigureAwait(false) ?? throw new TransientFetchException("FTP server closed the control connection");
}
