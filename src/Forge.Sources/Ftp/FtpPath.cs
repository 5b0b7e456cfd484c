namespace Forge.Sources;

/// <summary>
/// The path of an ftp:// URL per RFC 1738 §3.2.2: segments relative to the login directory, each percent-decoded on
/// its own, so <c>ftp://host/pub/x.nc</c> is <c>CWD pub</c> + <c>x.nc</c> and <c>ftp://host/%2Fpub/x.nc</c> is
/// <c>CWD /pub</c> + <c>x.nc</c> (an absolute path). A trailing <c>;type=</c> is ignored.
/// </summary>
internal static class FtpPath
{
    public static (IReadOnlyList<string> Directories, string Name) Parse(string url, string redactedUrl)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var pathStart = url.IndexOf('/', schemeEnd < 0 ? 0 : schemeEnd + 3);
        if (pathStart < 0) return ([], "");
        var end = url.IndexOfAny(['?', '#'], pathStart);
        var path = url[(pathStart + 1)..(end < 0 ? url.Length : end)];
        var typecode = path.LastIndexOf(";type=", StringComparison.OrdinalIgnoreCase);
        if (typecode >= 0) path = path[..typecode];
        var segments = path.Split('/').Select(s => Decode(s, redactedUrl)).ToList();
        var name = segments[^1];
        segments.RemoveAt(segments.Count - 1);
        if (segments.Any(s => s.Length == 0))
            throw new FetchException(redactedUrl, "the ftp:// URL has an empty path segment ('//'); write %2F for an absolute path");
        return (segments, name);
    }

    private static string Decode(string segment, string redactedUrl)
    {
        var decoded = Uri.UnescapeDataString(segment);

        // A decoded CR or LF would end the FTP command and start another one.
        if (decoded.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            throw new FetchException(redactedUrl, "the ftp:// URL path holds a control character (CR, LF or NUL)");
        return decoded;
    }
}
