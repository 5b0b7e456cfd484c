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

    public static readonly FetchSpec Default = new(DefaultConcurrency, DefaultRetries, DefaultTimeout, null, ImmutableDictionary<string, string>.Empty);
}
