using Microsoft.Extensions.Logging;

namespace Forge.Sources;

/// <summary>Source-generated log messages of the fetcher; every URL argument is already redacted.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "fetched {Url}: {Bytes} bytes in {Seconds:0.###}s, {Retries} retries")]
    public static partial void Fetched(ILogger logger, string url, long bytes, double seconds, int retries);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "retry {Attempt} of {Url} in {DelayMs:0}ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string url, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "cache hit {Url}")]
    public static partial void CacheHit(ILogger logger, string url);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "cache entry of {Url} in {Cache} is corrupt ({Problem}); fetching it again")]
    public static partial void CacheCorrupt(ILogger logger, string url, string cache, string problem);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "fetch of {Url} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Url}: the server does not honour range requests (it answered with the whole file or an encoded body); downloading the whole file (said once per host)")]
    public static partial void RangesNotHonoured(ILogger logger, string url);
}
