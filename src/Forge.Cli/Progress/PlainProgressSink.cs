using Forge.Core.Planning;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary>Plain progress lines on stderr: one per stage, input, and (throttled) per written chunk.</summary>
internal sealed class PlainProgressSink(TextWriter err, bool everyChunk) : IProgressSink
{
    private readonly Lock _gate = new();
    private long _chunks, _bytes, _inputs, _inputBytes;
    private DateTime _lastChunkLine = DateTime.MinValue;

    public void Stage(string stage, string detail)
    {
        lock (_gate) err.WriteLine($"[{stage}] {detail}");
    }

    public void InputFetched(string url, long bytes, bool fromCache, int retries)
    {
        lock (_gate)
        {
            _inputs++;
            _inputBytes += bytes;
            err.WriteLine($"[input] {url} ({Sizes.Format(bytes)}{(fromCache ? ", cached" : "")}{(retries > 0 ? $", {retries} retries" : "")})");
        }
    }

    public void ChunkWritten(string array, string key, long bytes)
    {
        lock (_gate)
        {
            _chunks++;
            _bytes += bytes;
            var now = DateTime.UtcNow;
            if (everyChunk || now - _lastChunkLine > TimeSpan.FromSeconds(2))
            {
                _lastChunkLine = now;
                err.WriteLine($"[chunk] {key} — {_chunks} objects, {Sizes.Format(_bytes)} written");
            }
        }
    }

    /// <summary>Plain lines carry the stage text; the numeric totals are for the live view and JSON.</summary>
    public void Totals(ProgressTotals totals) { }

    public void Warning(string message)
    {
        lock (_gate) err.WriteLine($"[warning] {message}");
    }
}
