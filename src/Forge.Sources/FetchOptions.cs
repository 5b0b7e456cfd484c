namespace Forge.Sources;

/// <summary>How inputs are fetched: the recipe's <c>inputs.fetch</c> block plus the <c>--offline</c> switch.</summary>
/// <param name="Concurrency">Simultaneous requests per host (recipe <c>fetch.concurrency</c>).</param>
/// <param name="Retries">Retries per input after the first attempt (recipe <c>fetch.retries</c>).</param>
/// <param name="Timeout">Limit for connecting and receiving a response's headers (or an FTP/S3 control exchange), per attempt.</param>
/// <param name="StallTimeout">Limit for a body that delivers no byte at all; a slow but moving body is never cut.</param>
public sealed record FetchOptions(
    int Concurrency = 4,
    int Retries = 5,
    TimeSpan? Timeout = null,
    TimeSpan? StallTimeout = null)
{
    /// <summary>Default per-attempt response timeout (recipe default <c>timeout: 120s</c>).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Default stall timeout: no byte for this long fails the attempt (it is then resumed).</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Authentication for http(s) and ftp inputs; secrets come from the environment only.</summary>
    public FetchAuth? Auth { get; init; }

    /// <summary>Query parameters appended to every http(s) request at request time: parameter name → environment variable name.</summary>
    public IReadOnlyDictionary<string, string> QuerySecrets { get; init; } = new Dictionary<string, string>();

    /// <summary>Fetch nothing: every remote input must come from the cache.</summary>
    /// <summary>
    /// Told of every block of body bytes as it reaches the download file (progress by bytes while inputs stream in,
    /// not only when one completes); called from several downloads at once. A retried attempt that starts over counts
    /// its bytes again.
    /// </summary>
    public Action<long>? BodyBytesReceived { get; init; }

    public bool Offline { get; init; }

    /// <summary>
    /// Do not serve cache entries: fetch every input again and replace its entry (<c>--overwrite</c>: an input that
    /// changed under the same URL must not come back from a stale copy). Ignored with <see cref="Offline"/>.
    /// </summary>
    public bool RefreshCache { get; init; }

    /// <summary>Endpoint, region and credentials for s3:// inputs.</summary>
    public S3InputOptions S3 { get; init; } = new();

    /// <summary>First retry delay; later ones grow exponentially with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of one backoff delay.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound applied to a server's Retry-After (a server asking for an hour gets this instead).</summary>
    public TimeSpan RetryAfterCap { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Default slowest body accepted: 1 KiB/s averaged over each <see cref="EffectiveTimeout"/>-long window.</summary>
    public const long DefaultMinRate = 1024;

    /// <summary>Default largest input: 64 GiB (declared length and bytes received).</summary>
    public const long DefaultMaxSize = 64L << 30;

    /// <summary>Total time one attempt may take, response headers and body (recipe <c>fetch.deadline</c>); null = no limit.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>
    /// Slowest body accepted in bytes per second, averaged over each window as long as the response timeout (recipe
    /// <c>fetch.min_rate</c>); 0 turns the floor off. A body that trickles a byte every few seconds never stalls,
    /// so without a floor it would hold a download open for ever.
    /// </summary>
    public long MinRate { get; init; } = DefaultMinRate;

    /// <summary>Largest input accepted (recipe <c>fetch.max_size</c>): a larger declared length is refused, a longer body is cut.</summary>
    public long MaxSize { get; init; } = DefaultMaxSize;

    /// <summary>Redirects followed per http request (recipe <c>fetch.max_redirects</c>).</summary>
    public int MaxRedirects { get; init; } = 10;

    /// <summary>Bytes of 4 KiB blocks one range-read input keeps in memory (header reads by HTTP range, 32 MiB by default).</summary>
    public long RangeCacheBytes { get; init; } = 32L << 20;

    /// <summary>The window over which <see cref="MinRate"/> is averaged; by default the response timeout.</summary>
    public TimeSpan? RateWindow { get; init; }

    /// <summary>The effective rate window.</summary>
    public TimeSpan EffectiveRateWindow => RateWindow ?? EffectiveTimeout;

    /// <summary>The effective response timeout.</summary>
    public TimeSpan EffectiveTimeout => Timeout ?? DefaultTimeout;

    /// <summary>The effective stall timeout.</summary>
    public TimeSpan EffectiveStallTimeout => StallTimeout ?? DefaultStallTimeout;
}

/// <summary>Where s3:// inputs live: any S3-compatible endpoint; credentials from the AWS SDK default chain unless anonymous.</summary>
/// <param name="Endpoint">Service URL such as <c>http://127.0.0.1:5055</c>; null means AWS itself.</param>
/// <param name="Region">Signing region (default us-east-1).</param>
/// <param name="Anonymous">Send unsigned requests (public buckets).</param>
public sealed record S3InputOptions(string? Endpoint = null, string? Region = null, bool Anonymous = false);
