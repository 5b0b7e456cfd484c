using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Forge.Sources;

/// <summary>http/https inputs: streaming GET, Range + If-Range resume, Retry-After, content length check.</summary>
internal sealed class HttpInputSource : IInputSource, IRangeReadSource
{
    private readonly HttpClient _downloads;
    private readonly HttpClient _pooled;
    private readonly FetchOptions _options;

    public HttpInputSource(FetchOptions options)
    {
        _options = options;
        var cookies = new CookieContainer(); // one jar for both clients: a login redirect's cookie serves either
        // Whole-file downloads: one response per connection (Connection: close on every request), each connection
        // tapped, so the bytes past a declared Content-Length, which the handler drops silently, are seen (see
        // ResponseTapStream). HEAD probes and range reads keep alive on their own pool: a download never reuses
        // one of their connections, whose tap would belong to another request.
        _downloads = NewClient(options, cookies, tapped: true);
        _pooled = NewClient(options, cookies, tapped: false);
    }

    private static HttpClient NewClient(FetchOptions options, CookieContainer cookies, bool tapped)
    {
        var handler = new SocketsHttpHandler
        {
            // Raw bytes only: a transparently gunzipped body would not match Content-Length or the server's file.
            AutomaticDecompression = DecompressionMethods.None,
            // Redirects are followed here, not by the handler: a loop is reported with its chain and every hop is bounded.
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = cookies,
            ConnectTimeout = options.EffectiveTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = Math.Max(1, options.Concurrency),
        };
        if (tapped) handler.PlaintextStreamFilter = (context, _) => ValueTask.FromResult(ResponseTapStream.Attach(context));
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("forge", "0.1"));
        if (tapped) client.DefaultRequestHeaders.ConnectionClose = true;
        return client;
    }

    public async Task DownloadAttemptAsync(InputRequest request, DownloadFile file, TransferState state, CancellationToken ct)
    {
        if (_options.Deadline is not { } deadline)
        {
            await AttemptAsync(request, file, state, ct).ConfigureAwait(false);
            return;
        }

        // fetch.deadline bounds the whole attempt, headers and body; a resumed attempt gets a fresh deadline.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(deadline);
        try
        {
            await AttemptAsync(request, file, state, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TransientFetchException && bounded.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TransientFetchException($"not finished within fetch.deadline {deadline.TotalSeconds:0.###}s ({file.Length} bytes received)", inner: e);
        }
    }

    private async Task AttemptAsync(InputRequest request, DownloadFile file, TransferState state, CancellationToken ct)
    {
        var resuming = file.Length > 0;
        using var response = await SendFollowingRedirectsAsync(_downloads, request, new Uri(request.RequestUrl), message =>
        {
            if (!resuming) return;
            message.Headers.Range = new RangeHeaderValue(file.Length, null);
            // If the file changed since the first attempt the server answers 200 with the new content.
            if (state.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag) && !tag.IsWeak)
                message.Headers.IfRange = new RangeConditionHeaderValue(tag);
            else if (state.LastModified is { } lm)
                message.Headers.IfRange = new RangeConditionHeaderValue(lm);
        }, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status == 416 && resuming)
        {
            if (response.Content.Headers.ContentRange?.Length == file.Length) return; // everything arrived before the drop
            var asked = file.Length;
            file.Reset(); // the remote file shrank or changed: start over
            throw new TransientFetchException($"HTTP 416 for Range bytes={asked}-; starting over", status);
        }

        if (!response.IsSuccessStatusCode) throw StatusFailure(request, response);

        var headers = response.Content.Headers;
        if (response.StatusCode == HttpStatusCode.PartialContent && resuming)
        {
            var range = headers.ContentRange;
            if (range?.From != file.Length)
            {
                var asked = file.Length;
                file.Reset();
                throw new TransientFetchException($"server answered Range bytes={asked}- with Content-Range {range}; starting over");
            }

            state.ExpectedSize = range.Length ?? state.ExpectedSize;
        }
        else
        {
            // 200: a full body. Either first attempt, or the server ignored/invalidated the Range.
            file.Reset();
            state.ExpectedSize = headers.ContentLength;
        }

        var declaredTotal = response.StatusCode == HttpStatusCode.PartialContent ? state.ExpectedSize : headers.ContentLength;
        if (declaredTotal > _options.MaxSize)
        {
            throw new FetchException(request.RedactedUrl,
                $"the server declares {declaredTotal} bytes, more than fetch.max_size ({BodyLimits.Sizes(_options.MaxSize)})");
        }

        var etagNow = response.Headers.ETag?.ToString();
        if (etagNow is not null) state.ETag = etagNow;
        if (headers.LastModified is { } modified) state.LastModified = modified;

        var tap = ResponseTapStream.Of(response);
        tap?.HoldOpen();
        try
        {
            var start = file.Length;
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await BodyCopier.CopyAsync(body, file, BodyLimits.From(_options, state.ExpectedSize, "its Content-Length"), ct).ConfigureAwait(false);
            }

            if (state.ExpectedSize is { } expected && file.Length != expected)
                throw new TransientFetchException($"body shorter than Content-Length: got {file.Length} of {expected} bytes");

            // A chunked body has no declared end to read past (its length was checked above when it also declared one).
            if (tap is not null && headers.ContentLength is { } declared && response.Headers.TransferEncodingChunked != true
                && await tap.BytesPastBodyAsync(file.Length - start, PastBodyWait, ct).ConfigureAwait(false) > 0)
            {
                throw new FetchException("", $"the body is longer than its Content-Length ({declared} bytes): the server sent more after it; cut at {declared} bytes");
            }
        }
        finally
        {
            tap?.Release();
        }
    }

    /// <summary>
    /// One ranged GET of <c>destination.Length</c> bytes at <paramref name="offset"/> (same redirects and credentials as a
    /// download), bounded as a whole by fetch.deadline, else fetch.timeout. After the first reply the request is
    /// conditional (<c>If-Range</c>) on <paramref name="expected"/>. A 200 (the server ignored the range, or the file
    /// changed) or an encoded body is returned as not honoured, without reading the body.
    /// </summary>
    public async Task<RangeReply> RangeAttemptAsync(InputRequest request, long offset, Memory<byte> destination, Forge.Core.Sources.InputValidators? expected, CancellationToken ct)
    {
        var limit = _options.Deadline ?? _options.EffectiveTimeout;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(limit);
        var last = offset + destination.Length - 1;
        try
        {
            using var response = await SendFollowingRedirectsAsync(_pooled, request, new Uri(request.RequestUrl), message =>
            {
                message.Headers.Range = new RangeHeaderValue(offset, last);
                if (expected?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag) && !tag.IsWeak)
                    message.Headers.IfRange = new RangeConditionHeaderValue(tag);
                else if (expected?.LastModified is { } lm)
                    message.Headers.IfRange = new RangeConditionHeaderValue(lm);
            }, bounded.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status == 416)
                throw new FetchException(request.RedactedUrl, $"HTTP 416 for Range bytes={offset}-{last}: the range lies past the end of the file (length {response.Content.Headers.ContentRange?.Length?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not given"})", status);
            if (!response.IsSuccessStatusCode) throw StatusFailure(request, response);
            var headers = response.Content.Headers;
            var etagNow = response.Headers.ETag?.ToString();
            var ranges = string.Join(",", response.Headers.AcceptRanges);
            if (response.StatusCode != HttpStatusCode.PartialContent || headers.ContentEncoding.Count > 0 || headers.ContentRange is not { HasLength: true, HasRange: true })
                return new RangeReply(false, headers.ContentLength ?? -1, 0, etagNow, headers.LastModified, ranges);

            var range = headers.ContentRange;
            if (range.From != offset || range.To < range.From || range.To > last)
                throw new FetchException(request.RedactedUrl, $"the server answered Range bytes={offset}-{last} with Content-Range {range}");
            var count = checked((int)(range.To!.Value - range.From!.Value + 1));
            var body = await response.Content.ReadAsStreamAsync(bounded.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var got = await body.ReadAtLeastAsync(destination[..count], count, throwOnEndOfStream: false, bounded.Token).ConfigureAwait(false);
                if (got < count) throw new TransientFetchException($"body shorter than Content-Range {range}: got {got} of {count} bytes");
            }

            return new RangeReply(true, range.Length!.Value, count, etagNow, headers.LastModified, ranges);
        }
        catch (Exception e) when (e is OperationCanceledException or TransientFetchException && bounded.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TransientFetchException($"range bytes={offset}-{last} not received within {limit.TotalSeconds:0.###}s", inner: e);
        }
    }

    /// <summary>How long a server that keeps the connection open after the body (despite Connection: close) is given to send more.</summary>
    private TimeSpan PastBodyWait => _options.EffectiveStallTimeout < TimeSpan.FromSeconds(2) ? _options.EffectiveStallTimeout : TimeSpan.FromSeconds(2);

    /// <summary>A HEAD request (same redirects and credentials as a GET): Content-Length, ETag, Last-Modified.</summary>
    public async Task<Forge.Core.Sources.InputValidators?> ProbeAttemptAsync(InputRequest request, CancellationToken ct)
    {
        using var response = await SendFollowingRedirectsAsync(_pooled, request, new Uri(request.RequestUrl), _ => { }, ct, HttpMethod.Head).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw StatusFailure(request, response);
        // A server that answers HEAD without a length (or with a compressed one) cannot vouch for the bytes.
        if (response.Content.Headers.ContentLength is not { } size || response.Content.Headers.ContentEncoding.Count > 0) return null;
        return new Forge.Core.Sources.InputValidators(size, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
    }

    public void Dispose()
    {
        _downloads.Dispose();
        _pooled.Dispose();
    }

    /// <summary>
    /// Sends a GET and follows up to fetch.max_redirects redirects. Credentials go only to the origin of the request
    /// URL (as browsers and curl do); a URL seen twice is a redirect loop, reported with the chain (redacted).
    /// </summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpClient client, InputRequest request, Uri url, Action<HttpRequestMessage> prepare, CancellationToken ct, HttpMethod? method = null)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        var chain = new List<Uri> { url };
        string Chain() => string.Join(" -> ", chain.Select((u, i) => i == 0 ? request.RedactedUrl : UrlRedactor.Redact(u.OriginalString)));
        while (true)
        {
            using var message = new HttpRequestMessage(method ?? HttpMethod.Get, url);
            if (string.Equals(url.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase)) AddAuthorization(message, request.Credentials);
            prepare(message);
            var response = await SendAsync(client, message, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308)) return response;

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null) throw new FetchException(request.RedactedUrl, $"HTTP {status} redirect without a Location header");
            var next = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (next.Scheme is not ("http" or "https"))
                throw new FetchException(request.RedactedUrl, $"HTTP {status} redirects to a {next.Scheme}: URL, which is not followed");
            if (chain.Contains(next))
            {
                chain.Add(next);
                throw new FetchException(request.RedactedUrl, $"redirect loop: {Chain()}");
            }

            chain.Add(next);
            if (chain.Count - 1 > _options.MaxRedirects)
                throw new FetchException(request.RedactedUrl, $"more than {_options.MaxRedirects} redirects (fetch.max_redirects): {Chain()}");
            url = next;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.EffectiveTimeout);
        try
        {
            return await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TransientFetchException($"no response within {_options.EffectiveTimeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.InvalidResponse)
        {
            // Not HTTP at all (no status line, no headers): retrying will not change what the server speaks.
            throw new FetchException("", "the server did not answer with an HTTP response (no status line or headers)", inner: e);
        }
        catch (HttpRequestException e)
        {
            // The message of HttpRequestException names host:port, never the path or query.
            throw new TransientFetchException(e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => $"host not found ({e.Message})",
                HttpRequestError.ConnectionError => $"cannot connect ({e.Message})",
                _ => e.Message,
            }, inner: e);
        }
    }

    private static void AddAuthorization(HttpRequestMessage message, Credentials credentials)
    {
        if (credentials.BearerToken is { } token)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (credentials.UserName is { } user)
        {
            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{credentials.Password}"));
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", pair);
        }
    }

    private static Exception StatusFailure(InputRequest request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var reason = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        if (status is 408 or 425 or 429 || status >= 500)
        {
            return new TransientFetchException(reason, status, RetryAfter(response));
        }

        if (status == 401) reason += request.Credentials == Credentials.None ? " (no credentials configured: set fetch.auth)" : " (credentials rejected)";
        return new FetchException(request.RedactedUrl, reason, status);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }
}

/// <summary>What a ranged GET returned: <paramref name="Honoured"/> is false for a 200 (the whole file) or an encoded body.</summary>
/// <param name="TotalLength">The file's length from Content-Range (or Content-Length of a 200; -1 when not given).</param>
/// <param name="Count">Bytes written into the destination.</param>
internal sealed record RangeReply(bool Honoured, long TotalLength, int Count, string? ETag, DateTimeOffset? LastModified, string AcceptRanges);
