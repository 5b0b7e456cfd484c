namespace Forge.Sources;

/// <summary>A failure worth retrying (5xx, 429, reset, short body, stall); carries the server's Retry-After if any.</summary>
internal sealed class TransientFetchException(string reason, int? statusCode = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(reason, inner)
{
    public string Reason { get; } = reason;

    public int? StatusCode { get; } = statusCode;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
