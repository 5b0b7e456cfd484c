using System.Collections.Concurrent;
using System.Diagnostics;
using Forge.Core.Sources;
using Forge.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;

namespace Forge.Sources;

/// <summary>
/// Fetches inputs over http(s), ftp, s3 and file with retries, resume, per-host limits, auth from the environment
/// and an optional verified <see cref="InputCache"/>. Every URL it shows is redacted.
/// </summary>
public sealed partial class InputFetcher : IInputFetcher, IDisposable
{
    private readonly FetchOptions _options;
    private readonly InputCache? _cache;
    private readonly ILogger _logger;
    private readonly string _tempDirectory;
    private readonly SecretScrubber _scrubber;
    private readonly CredentialResolver _credentials;
    private readonly ResiliencePipeline _pipeline;
    private readonly HostLimiter _hosts;
    private readonly KeyedLock _urlLocks = new();
    private readonly ConcurrentDictionary<string, bool> _noRangeHosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<IInputSource>> _sources = new(StringComparer.Ordinal);
    private readonly IReadOnlyCollection<string> _secretParameters;

    /// <param name="options">Fetch settings from the recipe and command line.</param>
    /// <param name="cache">Optional input cache (local folder or s3:// prefix).</param>
    /// <param name="logger">Receives redacted messages only.</param>
    /// <param name="tempDirectory">Where downloads land when they are not cache entries (created if missing).</param>
    /// <param name="environment">Environment lookup for secrets; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <param name="scrubber">Where resolved secrets are registered for masking; defaults to the process-wide <see cref="SecretScrubber.Shared"/>.</param>
    public InputFetcher(FetchOptions options, InputCache? cache, ILogger logger, string tempDirectory, Func<string, string?>? environment = null, SecretScrubber? scrubber = null)
    {
        _scrubber = scrubber ?? SecretScrubber.Shared;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(tempDirectory);
        _options = options;
        _cache = cache;
        _logger = logger;
        _tempDirectory = Path.GetFullPath(tempDirectory);
        _credentials = new CredentialResolver(options, environment ?? Environment.GetEnvironmentVariable, _scrubber);
        _pipeline = RetryPipelineFactory.Create(options);
        _hosts = new HostLimiter(options.Concurrency);
        _secretParameters = options.QuerySecrets.Keys.ToArray();
    }

    /// <summary>Redacts <paramref name="url"/> the way this fetcher shows it (userinfo and secret query values masked).</summary>
    public string Redact(string url) => UrlRedactor.Redact(url, _secretParameters);

    public async ValueTask<FetchedInput> FetchAsync(string url, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (FileInputSource.TryGetLocalPath(url, out var localPath))
        {
            // Local files are used in place and never cached (copying them would only cost time and disk).
            var info = new FileInfo(localPath);
            if (!info.Exists) throw new FetchException(Redact(url), $"no such file: {localPath}");
            return new FetchedInput(Redact(url), localPath, info.Length, FromCache: false, Retries: 0) { Validators = LocalValidators(info) };
        }

        var redacted = Redact(url);
        RegisterUserInfo(url);
        try
        {
            using var urlLock = await _urlLocks.AcquireAsync(redacted, ct).ConfigureAwait(false);
            return await FetchRemoteAsync(url, redacted, ct).ConfigureAwait(false);
        }
        catch (FetchException e)
        {
            var reason = _scrubber.Scrub(e.Reason);
            Log.Failed(_logger, redacted, reason);
            if (reason == e.Reason && e.Url == redacted) throw;
            throw new FetchException(redacted, reason, e.StatusCode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !ct.IsCancellationRequested)
        {
            // Disk full or a read-only temp folder: the URL is the culprit to name, not the temporary .part file.
            var reason = $"cannot store the download in {_tempDirectory}: {QuotedPath().Replace(e.Message, "").TrimEnd(' ', ':', '.')}";
            Log.Failed(_logger, redacted, reason);
            throw new FetchException(redacted, _scrubber.Scrub(reason), inner: e);
        }
    }

    /// <summary>
    /// Size and validators of an input without downloading it: a local file's length and modification time, or one
    /// request to the source (HTTP HEAD) under the same retries, host limits and credentials as a download. Null when
    /// the source cannot say (FTP, a HEAD without Content-Length) or when offline.
    /// </summary>
    public async ValueTask<InputValidators?> ProbeAsync(string url, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (FileInputSource.TryGetLocalPath(url, out var localPath))
        {
            var info = new FileInfo(localPath);
            return info.Exists ? LocalValidators(info) : null;
        }

        if (_options.Offline || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var redacted = Redact(url);
        RegisterUserInfo(url);
        var source = SourceFor(uri, redacted);
        var credentials = _credentials.Resolve(redacted, uri.Host);
        var requestUrl = uri.Scheme is "http" or "https" ? _credentials.AppendQuerySecrets(redacted, StripUserInfo(url, uri)) : url;
        var request = new InputRequest(uri, redacted, credentials, requestUrl);
        var hostKey = $"{uri.Scheme}://{uri.Authority}";
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (s, token) =>
                {
                    using var slot = await s.Self._hosts.AcquireAsync(s.HostKey, token).ConfigureAwait(false);
                    return await s.Source.ProbeAttemptAsync(s.Request, token).ConfigureAwait(false);
                },
                (Self: this, HostKey: hostKey, Source: source, Request: request), ct).ConfigureAwait(false);
        }
        catch (TransientFetchException e)
        {
            throw new FetchException(redacted, _scrubber.Scrub(e.Reason), e.StatusCode);
        }
        catch (FetchException e)
        {
            var reason = _scrubber.Scrub(e.Reason);
            throw new FetchException(redacted, reason, e.StatusCode);
        }
    }

    /// <summary>
    /// Random access by HTTP range requests or S3 ranged GETs (<see cref="RangeReadInput"/>: 4 KiB blocks after a first
    /// 64 KiB, at most <see cref="FetchOptions.RangeCacheBytes"/> cached) with this fetcher's retries, host limits,
    /// credentials, deadlines and scrubbing. Null for local files, inputs already in a local cache, offline runs, ftp
    /// URLs and servers that do not honour ranges (logged once per host; the host is not asked again by this fetcher): the caller then downloads the input with <see cref="FetchAsync"/>.
    /// </summary>
    public async ValueTask<IRandomAccessInput?> OpenRandomAccessAsync(string url, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (FileInputSource.TryGetLocalPath(url, out _) || _options.Offline) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "s3")) return null;
        var redacted = Redact(url);
        if (_cache is { IsLocal: true } && !_options.RefreshCache && _cache.TryGetLocalPath(InputCache.EntryKey(redacted), out var cached) && File.Exists(cached)) return null;
        RegisterUserInfo(url);
        var source = (IRangeReadSource)SourceFor(uri, redacted);
        var requestUrl = uri.Scheme is "http" or "https" ? _credentials.AppendQuerySecrets(redacted, StripUserInfo(url, uri)) : url;
        var request = new InputRequest(uri, redacted, _credentials.Resolve(redacted, uri.Host), requestUrl);
        // A host that ignored a range request once is not asked again: each probe of such a server starts sending the
        // whole file, which costs a second download per input.
        var hostKey = $"{uri.Scheme}://{uri.Authority}";
        if (_noRangeHosts.ContainsKey(hostKey)) return null;
        try
        {
            return await RangeReadInput.OpenAsync(redacted, (offset, destination, expected, token) => RangeWithRetriesAsync(source, request, offset, destination, expected, token),
                _options.RangeCacheBytes,
                () =>
                {
                    // Once per host: a run over thousands of files from a server without ranges says it once, not per file.
                    if (_noRangeHosts.TryAdd(hostKey, true)) Log.RangesNotHonoured(_logger, redacted);
                },
                ct).ConfigureAwait(false);
        }
        catch (FetchException e)
        {
            var reason = _scrubber.Scrub(e.Reason);
            Log.Failed(_logger, redacted, reason);
            if (reason == e.Reason && e.Url == redacted) throw;
            throw new FetchException(redacted, reason, e.StatusCode);
        }
    }

    private async Task<RangeReply> RangeWithRetriesAsync(IRangeReadSource source, InputRequest request, long offset, Memory<byte> destination, InputValidators? expected, CancellationToken ct)
    {
        var retries = 0;
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(RetryPipelineFactory.RetryObserver, (attempt, delay, reason) =>
        {
            retries++;
            Log.Retrying(_logger, request.RedactedUrl, attempt + 1, delay.TotalMilliseconds, _scrubber.Scrub(reason));
        });
        var hostKey = $"{request.Uri.Scheme}://{request.Uri.Authority}";
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, s) =>
                {
                    using var slot = await s.Self._hosts.AcquireAsync(s.HostKey, ctx.CancellationToken).ConfigureAwait(false);
                    return await s.Source.RangeAttemptAsync(s.Request, s.Offset, s.Destination, s.Expected, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Self: this, HostKey: hostKey, Source: source, Request: request, Offset: offset, Destination: destination, Expected: expected)).ConfigureAwait(false);
        }
        catch (TransientFetchException e)
        {
            var reason = _options.Retries > 0 ? $"{e.Reason} (gave up after {retries} retries)" : e.Reason;
            throw new FetchException(request.RedactedUrl, _scrubber.Scrub(reason), e.StatusCode);
        }
        catch (FetchException e)
        {
            throw new FetchException(request.RedactedUrl, _scrubber.Scrub(e.Reason), e.StatusCode);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static InputValidators LocalValidators(FileInfo info) => new(info.Length, null, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));

    public void Dispose()
    {
        foreach (var source in _sources.Values)
        {
            if (source.IsValueCreated) source.Value.Dispose();
        }

        _hosts.Dispose();
    }

    private async ValueTask<FetchedInput> FetchRemoteAsync(string url, string redacted, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new FetchException(redacted, "not a valid URL");

        if (_cache is not null && (!_options.RefreshCache || _options.Offline))
        {
            var hit = await _cache.TryGetAsync(redacted, _tempDirectory,
                problem => Log.CacheCorrupt(_logger, redacted, _cache.Url, problem), ct).ConfigureAwait(false);
            if (hit is not null)
            {
                Log.CacheHit(_logger, redacted);
                // The sidecar's validators let a run check that the entry is the object whose header it read by range.
                return new FetchedInput(redacted, hit.LocalPath, hit.Size, FromCache: true, Retries: 0)
                {
                    IsTemporary = hit.IsTemporary,
                    Validators = hit.Sidecar is { } sc ? new InputValidators(sc.Size, sc.ETag, sc.LastModified) : null,
                };
            }
        }

        if (_options.Offline)
            throw new FetchException(redacted, _cache is null ? "not in cache (offline; no input cache configured)" : $"not in cache (offline; cache {_cache.Url})");

        var source = SourceFor(uri, redacted);
        var credentials = _credentials.Resolve(redacted, uri.Host);
        var requestUrl = uri.Scheme is "http" or "https" ? _credentials.AppendQuerySecrets(redacted, StripUserInfo(url, uri)) : url;
        var request = new InputRequest(uri, redacted, credentials, requestUrl);

        Directory.CreateDirectory(_tempDirectory);
        var name = InputCache.SanitizedName(redacted);
        var id = Guid.NewGuid().ToString("N");
        var partPath = Path.Combine(_tempDirectory, $"{id}-{name}.part");
        var finalPath = Path.Combine(_tempDirectory, $"{id}-{name}");
        var state = new TransferState();
        var retries = 0;
        var clock = Stopwatch.StartNew();
        string sha256;
        long bytes;
        try
        {
            using (var file = new DownloadFile(partPath))
            {
                retries = await DownloadWithRetriesAsync(source, request, file, state, ct).ConfigureAwait(false);
                bytes = file.Length;
                sha256 = await file.CompleteAsync(ct).ConfigureAwait(false);
            }

            File.Move(partPath, finalPath);
        }
        catch
        {
            TryDelete(partPath);
            throw;
        }

        Log.Fetched(_logger, redacted, bytes, clock.Elapsed.TotalSeconds, retries);
        if (_cache is null)
            return new FetchedInput(redacted, finalPath, bytes, FromCache: false, retries) { IsTemporary = true, Sha256 = sha256, Validators = new InputValidators(bytes, state.ETag, state.LastModified) };

        try
        {
            var sidecar = new CacheSidecar(redacted, bytes, state.ETag, state.LastModified, sha256, DateTimeOffset.UtcNow);
            var entry = await _cache.PutAsync(redacted, finalPath, sidecar, ct).ConfigureAwait(false);
            return new FetchedInput(redacted, entry.LocalPath, bytes, FromCache: false, retries) { IsTemporary = entry.IsTemporary, Sha256 = sha256, Validators = new InputValidators(bytes, state.ETag, state.LastModified) };
        }
        catch
        {
            TryDelete(finalPath);
            throw;
        }
    }

    private async ValueTask<int> DownloadWithRetriesAsync(IInputSource source, InputRequest request, DownloadFile file, TransferState state, CancellationToken ct)
    {
        var retries = 0;
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(RetryPipelineFactory.RetryObserver, (attempt, delay, reason) =>
        {
            retries++;
            Log.Retrying(_logger, request.RedactedUrl, attempt + 1, delay.TotalMilliseconds, _scrubber.Scrub(reason));
        });
        var hostKey = $"{request.Uri.Scheme}://{request.Uri.Authority}";
        try
        {
            await _pipeline.ExecuteAsync(
                static async (ctx, s) =>
                {
                    using var slot = await s.Self._hosts.AcquireAsync(s.HostKey, ctx.CancellationToken).ConfigureAwait(false);
                    await s.Source.DownloadAttemptAsync(s.Request, s.File, s.State, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Self: this, HostKey: hostKey, Source: source, Request: request, File: file, State: state)).ConfigureAwait(false);
        }
        catch (TransientFetchException e)
        {
            var reason = _options.Retries > 0 ? $"{e.Reason} (gave up after {retries} retries)" : e.Reason;
            throw new FetchException(request.RedactedUrl, _scrubber.Scrub(reason), e.StatusCode);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        return retries;
    }

    private IInputSource SourceFor(Uri uri, string redacted)
    {
        var scheme = uri.Scheme.ToLowerInvariant();
        var key = scheme == "https" ? "http" : scheme;
        var options = _options;
        return _sources.GetOrAdd(key, k => new Lazy<IInputSource>(() => k switch
        {
            "http" => new HttpInputSource(options),
            "ftp" => new FtpInputSource(options),
            "s3" => new S3InputSource(options),
            _ => throw new FetchException(redacted, $"unsupported URL scheme '{uri.Scheme}' (use http, https, ftp, s3 or file)"),
        })).Value;
    }

    /// <summary>Lists an ftp:// directory (file names, or LIST lines when <paramref name="details"/>), with the fetcher's auth and retries.</summary>
    public async Task<IReadOnlyList<string>> ListFtpDirectoryAsync(string url, bool details = false, CancellationToken ct = default)
    {
        var redacted = Redact(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "ftp") throw new FetchException(redacted, "not an ftp:// URL");
        var source = (FtpInputSource)SourceFor(uri, redacted);
        var request = new InputRequest(uri, redacted, _credentials.Resolve(redacted, uri.Host), url);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (s, token) => await s.source.ListAsync(s.request, s.details, token).ConfigureAwait(false),
                (source, request, details), ct).ConfigureAwait(false);
        }
        catch (TransientFetchException e)
        {
            throw new FetchException(redacted, _scrubber.Scrub(e.Reason), e.StatusCode);
        }
    }

    // A password written into the URL (ftp://user:pass@host/) is a credential in use like any other.
    private void RegisterUserInfo(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0) return;
        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return;
        _scrubber.AddBasic(Uri.UnescapeDataString(uri.UserInfo[..colon]), Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
    }

    private static string StripUserInfo(string url, Uri uri) =>
        uri.UserInfo.Length == 0 ? url : new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s*:?\s*'[^']*'")]
    private static partial System.Text.RegularExpressions.Regex QuotedPath();
}
