using System.Collections.Immutable;

namespace Forge.Recipes;

/// <summary>
/// <c>inputs.fetch</c>: download concurrency per host, retries per input (exponential backoff with jitter), per-request
/// timeout, optional auth, and query parameters whose values come from environment variables (name → env var).
/// </summary>
public sealed record FetchSpec(int Concurrency, int Retries, TimeSpan Timeout, AuthSpec? Auth, ImmutableDictionary<string, string> QuerySecrets)
{
    public const int DefaultConcurrency = 4;
    public const int DefaultRetries = 5;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    public const int DefaultMaxRedirects = 10;

    public static readonly FetchSpec Default = new(DefaultConcurrency, DefaultRetries, DefaultTimeout, null, ImmutableDictionary<string, string>.Empty);

    /// <summary><c>deadline</c>: total time one request may take, headers and body; null = no limit beyond the rate floor.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary><c>min_rate</c>: bytes per second a body must average over each <c>timeout</c>-long window; null = the source default.</summary>
    public long? MinRate { get; init; }

    /// <summary><c>max_size</c>: largest input accepted (declared Content-Length and bytes received); null = the source default.</summary>
    public long? MaxSize { get; init; }

    /// <summary><c>max_redirects</c>: redirects followed per request.</summary>
    public int MaxRedirects { get; init; } = DefaultMaxRedirects;
}
