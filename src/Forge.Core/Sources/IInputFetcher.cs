namespace Forge.Core.Sources;

/// <summary>An input made available as a local file (downloaded, cached or already local).</summary>
/// <param name="Url">The input URL with secrets redacted, as shown to people.</param>
/// <param name="LocalPath">A complete local copy, safe to open with native readers.</param>
/// <param name="Bytes">Size of the local file.</param>
/// <param name="FromCache">True when no network transfer happened.</param>
/// <param name="Retries">How many retries it took.</param>
public sealed record FetchedInput(string Url, string LocalPath, long Bytes, bool FromCache, int Retries) : IAsyncDisposable
{
    /// <summary>Deletes the local file on dispose when it is a temporary download (not a cache entry or a user file).</summary>
    public bool IsTemporary { get; init; }

    /// <summary>SHA-256 of the content (lowercase hex) when the source already knows it; otherwise the ledger hashes the file.</summary>
    public string? Sha256 { get; init; }

    public ValueTask DisposeAsync()
    {
        if (IsTemporary)
        {
            try { File.Delete(LocalPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Fetches one input URL (http/https/ftp/s3/file) to a local file.</summary>
public interface IInputFetcher
{
    ValueTask<FetchedInput> FetchAsync(string url, CancellationToken ct = default);
}

/// <summary>A fetch failure: names the URL (secrets redacted), the HTTP status or reason. CLI exit code 1.</summary>
public sealed class FetchException : Exception
{
    public FetchException(string url, string reason, int? statusCode = null, Exception? inner = null)
        : base($"fetch failed: {url}: {reason}", inner)
    {
        Url = url;
        Reason = reason;
        StatusCode = statusCode;
    }

    public FetchException() { Url = ""; Reason = ""; }

    public FetchException(string message) : base(message) { Url = ""; Reason = message; }

    public FetchException(string message, Exception inner) : base(message, inner) { Url = ""; Reason = message; }

    public string Url { get; }

    public string Reason { get; }

    public int? StatusCode { get; }
}
