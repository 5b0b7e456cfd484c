using Forge.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Progress;

/// <summary>
/// Puts the engine's progress events into the log (stages at information, inputs at debug, objects at trace) and
/// passes them on to the display. Warnings are the display's to show, unless there is no display (--progress none).
/// </summary>
internal sealed class LoggingProgressSink(IProgressSink inner, ILogger logger) : IProgressSink
{
    public IProgressSink Inner => inner;

    public void Stage(string stage, string detail)
    {
        RunLog.Stage(logger, stage, detail);
        inner.Stage(stage, detail);
    }

    public void InputFetched(string url, long bytes, bool fromCache, int retries)
    {
        RunLog.Input(logger, url, bytes, fromCache ? " (cached)" : "", retries);
        inner.InputFetched(url, bytes, fromCache, retries);
    }

    public void ChunkWritten(string array, string key, long bytes)
    {
        RunLog.Object(logger, key, bytes);
        inner.ChunkWritten(array, key, bytes);
    }

    public void PieceWritten(string array, string id, long bytes)
    {
        RunLog.Object(logger, id, bytes);
        inner.PieceWritten(array, id, bytes);
    }

    public void BytesReceived(long bytes) => inner.BytesReceived(bytes);

    public void Totals(ProgressTotals totals) => inner.Totals(totals);

    public void Warning(string message)
    {
        if (inner is NullProgressSink) RunLog.Warning(logger, message);
        inner.Warning(message);
    }
}
