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

    /// <summary>What the source said about these bytes (ETag, Last-Modified), kept in the ledger so a later run can skip the download.</summary>
    public InputValidators? Validators { get; init; }

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

    /// <summary>
    /// Asks the source about the input without downloading it (HTTP HEAD, S3 HeadObject, a local file's size and
    /// modification time). Null when the source cannot tell (then a run that must know downloads and hashes it).
    /// </summary>
    ValueTask<InputValidators?> ProbeAsync(string url, CancellationToken ct = default) => ValueTask.FromResult<InputValidators?>(null);

    /// <summary>
    /// Random access to a remote input by range requests, for reading headers without downloading it. Null when
    /// that is not possible or not worth it (a local file, a cached input, offline, a scheme without ranges, a server
    /// that does not honour ranges): then <see cref="FetchAsync"/> is the way.
    /// </summary>
    ValueTask<IRandomAccessInput?> OpenRandomAccessAsync(string url, CancellationToken ct = default) => ValueTask.FromResult<IRandomAccessInput?>(null);
}

/// <summary>
/// What a source says identifies an input's bytes without reading them: the size and an ETag or Last-Modified time.
/// Two observations name the same bytes when sizes agree and a strong validator agrees (the ETag when both have one,
/// else Last-Modified): HTTP's own rule for conditional requests (RFC 9110 §8.8).
/// </summary>
public sealed record InputValidators(long Size, string? ETag, DateTimeOffset? LastModified)
{
    /// <summary>True when at least one validator besides the size is known.</summary>
    public bool CanValidate => ETag is not null || LastModified is not null;

    /// <summary>True when this observation and <paramref name="recorded"/> certainly name the same bytes; false when they differ or cannot be compared.</summary>
    public bool Matches(InputValidators? recorded)
    {
        if (recorded is null || Size != recorded.Size) return false;
        if (ETag is not null && recorded.ETag is not null) return !ETag.StartsWith("W/", StringComparison.Ordinal) && ETag == recorded.ETag;
        return LastModified is { } lm && recorded.LastModified is { } rlm && lm == rlm;
    }
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
