using System.Diagnostics;
using Forge.Core.Planning;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary>A one-line live display on a terminal: inputs fetched, bytes, objects written, rate and ETA.</summary>
internal sealed class TerminalProgressSink(TextWriter err) : IProgressSink
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _inputs, _inputBytes, _chunks, _bytes, _expectedChunks;
    private string _stage = "";
    private TimeSpan _last;

    public void Stage(string stage, string detail)
    {
        lock (_gate)
        {
            Clear();
            err.WriteLine($"[{stage}] {detail}");
            _stage = stage;
            var m = System.Text.RegularExpressions.Regex.Match(detail, @"(\d+) objects");
            if (stage == "write" && m.Success) _expectedChunks = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Render(force: true);
        }
    }

    public void InputFetched(string url, long bytes, bool fromCache, int retries)
    {
        lock (_gate) { _inputs++; _inputBytes += bytes; Render(false); }
    }

    public void ChunkWritten(string array, string key, long bytes)
    {
        lock (_gate) { _chunks++; _bytes += bytes; Render(false); }
    }

    public void Warning(string message)
    {
        lock (_gate) { Clear(); err.WriteLine($"[warning] {message}"); Render(true); }
    }

    public void Finish()
    {
        lock (_gate) Clear();
    }

    private void Clear() => err.Write("\r\u001b[2K");

    private void Render(bool force)
    {
        var now = _clock.Elapsed;
        if (!force && now - _last < TimeSpan.FromMilliseconds(200)) return;
        _last = now;
        double secs = Math.Max(0.001, now.TotalSeconds);
        string eta = "";
        if (_stage == "write" && _expectedChunks > 0 && _chunks > 0)
        {
            var remaining = TimeSpan.FromSeconds(secs / _chunks * (_expectedChunks - _chunks));
            eta = $", ETA {remaining:mm\\:ss}";
        }

        Clear();
        err.Write($"{_stage}: {_inputs} inputs ({Sizes.Format(_inputBytes)}), {_chunks}{(_expectedChunks > 0 ? "/" + _expectedChunks : "")} objects ({Sizes.Format(_bytes)}, {Sizes.Format((long)(_bytes / secs))}/s){eta}");
    }
}
