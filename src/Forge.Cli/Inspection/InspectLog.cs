using Microsoft.Extensions.Logging;

namespace Forge.Cli.Inspection;

/// <summary>Log messages of header reads by range (inspect, plan); URLs are already redacted.</summary>
internal static partial class InspectLog
{
    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "{Url}: header read by range: {Bytes} of {Length} bytes in {Requests} requests")]
    public static partial void ReadByRange(ILogger logger, string url, long bytes, long length, int requests);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "{Url}: not read by range requests ({Reason}); downloading the whole file")]
    public static partial void NotByRange(ILogger logger, string url, string reason);
}
