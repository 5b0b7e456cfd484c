using System.Globalization;
using System.Net.Sockets;

namespace Forge.Sources;

/// <summary>ftp inputs: passive mode, binary type, SIZE, MDTM, REST resume, anonymous or authenticated login.</summary>
internal sealed class FtpInputSource(FetchOptions options) : IInputSource
{
    private const string AnonymousPassword = "forge@";

    public async Task DownloadAttemptAsync(InputRequest request, DownloadFile file, TransferState state, CancellationToken ct)
    {
        var (directories, name) = FtpPath.Parse(request.RequestUrl, request.RedactedUrl);
        if (name.Length == 0) throw new FetchException(request.RedactedUrl, "the ftp:// URL names a directory, not a file");
        await using var ftp = await OpenAsync(request, ct).ConfigureAwait(false);
        await ChangeDirectoriesAsync(ftp, directories, request, ct).ConfigureAwait(false);
        var path = name;

        var size = await ftp.CommandAsync($"SIZE {path}", ct).ConfigureAwait(false);
        if (size.Code == 213 && long.TryParse(size.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var total)) state.ExpectedSize = total;
        else if (size.Code == 550) throw new FetchException(request.RedactedUrl, $"no such file on the FTP server ({size})", 550);

        var mdtm = await ftp.CommandAsync($"MDTM {path}", ct).ConfigureAwait(false);
        if (mdtm.Code == 213 && DateTimeOffset.TryParseExact(mdtm.Text.Split('.')[0], "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var modified))
        {
            // A file that changed between attempts cannot be resumed.
            if (state.LastModified is { } before && before != modified) file.Reset();
            state.LastModified = modified;
        }

        if (file.Length > 0 && file.Length == state.ExpectedSize) return; // the drop came after the last byte
        if (file.Length > 0)
        {
            var rest = await ftp.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"REST {file.Length}"), ct).ConfigureAwait(false);
            if (rest.Code != 350) file.Reset(); // no resume support: start over
        }

        using var data = await ftp.OpenPassiveDataAsync(ct).ConfigureAwait(false);
        var retr = await ftp.CommandAsync($"RETR {path}", ct).ConfigureAwait(false);
        if (!retr.IsPositivePreliminary && !retr.IsPositiveCompletion)
        {
            if (retr.Code == 550) throw new FetchException(request.RedactedUrl, $"no such file on the FTP server ({retr})", 550);
            throw FtpConnection.Failure("RETR", retr, request.RedactedUrl);
        }

        var stream = data.GetStream();
        await using (stream.ConfigureAwait(false))
        {
            await BodyCopier.CopyAsync(stream, file, BodyLimits.From(options, state.ExpectedSize), ct).ConfigureAwait(false);
        }

        var done = retr.IsPositiveCompletion ? retr : await ftp.ReadReplyAsync(ct).ConfigureAwait(false);
        if (!done.IsPositiveCompletion) throw new TransientFetchException($"FTP transfer ended with {done} after {file.Length} bytes", done.Code);
        if (state.ExpectedSize is { } expected && file.Length != expected)
            throw new TransientFetchException($"FTP transfer short: got {file.Length} of {expected} bytes");
    }

    /// <summary>Lists a directory (NLST names, or LIST lines when <paramref name="details"/>).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(InputRequest request, bool details, CancellationToken ct)
    {
        var (directories, name) = FtpPath.Parse(request.RequestUrl, request.RedactedUrl);
        await using var ftp = await OpenAsync(request, ct).ConfigureAwait(false);
        await ChangeDirectoriesAsync(ftp, name.Length == 0 ? directories : [.. directories, name], request, ct).ConfigureAwait(false);
        using var data = await ftp.OpenPassiveDataAsync(ct).ConfigureAwait(false);
        var reply = await ftp.CommandAsync(details ? "LIST" : "NLST", ct).ConfigureAwait(false);
        if (!reply.IsPositivePreliminary && !reply.IsPositiveCompletion) throw FtpConnection.Failure("LIST", reply, request.RedactedUrl);
        var lines = new List<string>();
        using (var reader = new StreamReader(data.GetStream()))
        {
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0) lines.Add(line);
            }
        }

        var done = reply.IsPositiveCompletion ? reply : await ftp.ReadReplyAsync(ct).ConfigureAwait(false);
        if (!done.IsPositiveCompletion) throw new TransientFetchException($"FTP listing ended with {done}", done.Code);
        return lines;
    }

    public void Dispose()
    {
    }

    // RFC 1738 §3.2.2, as curl does by default: one CWD per path segment, relative to the login directory.
    private static async Task ChangeDirectoriesAsync(FtpConnection ftp, IReadOnlyList<string> directories, InputRequest request, CancellationToken ct)
    {
        foreach (var directory in directories)
        {
            var cwd = await ftp.CommandAsync($"CWD {directory}", ct).ConfigureAwait(false);
            if (cwd.IsPositiveCompletion) continue;
            if (cwd.Code == 550) throw new FetchException(request.RedactedUrl, $"no such directory '{directory}' on the FTP server ({cwd})", 550);
            throw FtpConnection.Failure("CWD", cwd, request.RedactedUrl);
        }
    }

    private async Task<FtpConnection> OpenAsync(InputRequest request, CancellationToken ct)
    {
        var port = request.Uri.IsDefaultPort || request.Uri.Port <= 0 ? 21 : request.Uri.Port;
        var ftp = await FtpConnection.ConnectAsync(request.Uri.Host, port, options.EffectiveTimeout, ct).ConfigureAwait(false);
        try
        {
            var credentials = request.Credentials;
            await ftp.LoginAsync(credentials.UserName ?? "anonymous", credentials.UserName is null ? AnonymousPassword : credentials.Password ?? "",
                request.RedactedUrl, ct).ConfigureAwait(false);
            var type = await ftp.CommandAsync("TYPE I", ct).ConfigureAwait(false);
            if (!type.IsPositiveCompletion) throw FtpConnection.Failure("TYPE I", type);
            return ftp;
        }
        catch
        {
            await ftp.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
