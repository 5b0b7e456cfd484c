using Microsoft.Extensions.Logging;

namespace Forge.Cli.Progress;

/// <summary>Source-generated log messages of a run (category forge.run).</summary>
internal static partial class RunLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Stage}: {Detail}")]
    public static partial void Stage(ILogger logger, string stage, string detail);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "input {Url}: {Bytes} bytes{Cached}, {Retries} retries")]
    public static partial void Input(ILogger logger, string url, long bytes, string cached, int retries);

    [LoggerMessage(EventId = 102, Level = LogLevel.Trace, Message = "wrote {Key}: {Bytes} bytes")]
    public static partial void Object(ILogger logger, string key, long bytes);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void Warning(ILogger logger, string message);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "setting {Key} = {Value} (from {Source})")]
    public static partial void Setting(ILogger logger, string key, string value, string source);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "{Recipe} {Status} in {Seconds:0.0} s")]
    public static partial void Finished(ILogger logger, string recipe, string status, double seconds);
}
