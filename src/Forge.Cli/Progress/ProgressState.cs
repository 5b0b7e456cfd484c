using System.Diagnostics;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary>
/// Counters of a run for the live view: inputs and bytes fetched, objects and bytes written, totals from the
/// engine's typed <see cref="ProgressTotals"/>, and the rate of the current phase over a sliding window (the last
/// 10 s, from the phase's second unit on) with the ETA of the phase it implies. The fetch ETA is by bytes: the bytes
/// left (the inputs' known total, else the mean size so far × the inputs left) at the windowed byte rate, so a few
/// large files do not skew it as a count would. The write ETA is by objects (equal-sized chunks or shards).
/// </summary>
internal sealed class ProgressState
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Func<TimeSpan> _now;
    private readonly Queue<(TimeSpan At, double Units, double Bytes)> _samples = new();
    private int _phaseSamples;

    /// <param name="now">The clock (elapsed since the run started); a stopwatch unless a test or replay supplies times.</param>
    public ProgressState(Func<TimeSpan>? now = null)
    {
        var watch = Stopwatch.StartNew();
        _now = now ?? (() => watch.Elapsed);
    }

    public string Phase { get; private set; } = "fetch";
    public long InputsTotal { get; private set; }
    public long Inputs { get; private set; }
    public long InputBytes { get; private set; }

    /// <summary>The inputs' total size when known before fetching (local files); otherwise null.</summary>
    public long? InputBytesTotalKnown { get; private set; }
    public long ObjectsTotal { get; private set; }
    public long Objects { get; private set; }
    public long ObjectBytes { get; private set; }
    public int Retries { get; private set; }

    public TimeSpan Elapsed => _now();

    /// <summary>Bytes to fetch in all: the known total, or the mean size so far × the inputs (null before the first input).</summary>
    public long? InputBytesTotal
    {
        get
        {
            lock (_gate) return InputBytesTotalKnown ?? (Inputs > 0 && InputsTotal > 0 ? (long)((double)InputBytes / Inputs * InputsTotal) : null);
        }
    }

    public void Totals(ProgressTotals totals)
    {
        lock (_gate)
        {
            if (totals.Inputs is { } i) InputsTotal = i;
            if (totals.InputBytes is { } b) InputBytesTotalKnown = b;
            if (totals.Objects is { } o) { ObjectsTotal = o; Objects = totals.ObjectsDone ?? 0; }
        }
    }

    public void Stage(string stage, string detail)
    {
        lock (_gate)
        {
            if (StageDetails.Phase(stage) is { } phase && phase != Phase)
            {
                Phase = phase;
                _samples.Clear();
                _phaseSamples = 0;
            }
        }
    }

    public void Input(long bytes, int retries)
    {
        lock (_gate) { Inputs++; InputBytes += bytes; Retries += retries; Sample(); }
    }

    public void Object(long bytes)
    {
        lock (_gate) { Objects++; ObjectBytes += bytes; Sample(); }
    }

    public void Retry()
    {
        lock (_gate) Retries++;
    }

    private bool Fetching => Phase == "fetch";

    private void Sample()
    {
        // The first unit of a phase carries one-time costs (JIT, first connection, the first header check); the rate
        // window starts after it, so it does not inflate the ETA for the rest.
        if (++_phaseSamples == 1) return;
        var now = _now();
        _samples.Enqueue((now, Fetching ? Inputs : Objects, Fetching ? InputBytes : ObjectBytes));
        while (_samples.Count > 2 && now - _samples.Peek().At > Window) _samples.Dequeue();
    }

    /// <summary>Units (inputs or objects) per second over the window, or null before two samples.</summary>
    public double? Rate() => Rates()?.Units;

    /// <summary>Bytes per second (fetched, or written) over the window, or null before two samples.</summary>
    public double? ByteRate() => Rates()?.Bytes;

    private (double Units, double Bytes)? Rates()
    {
        lock (_gate)
        {
            if (_samples.Count < 2) return null;
            var first = _samples.Peek();
            var span = (_now() - first.At).TotalSeconds;
            if (span <= 0) return null;
            return (((Fetching ? Inputs : Objects) - first.Units) / span, ((Fetching ? InputBytes : ObjectBytes) - first.Bytes) / span);
        }
    }

    /// <summary>Time left in the current phase at the windowed rate (fetch: by bytes; write: by objects), or null while unknown.</summary>
    public TimeSpan? Eta()
    {
        var rates = Rates();
        var bytesTotal = InputBytesTotal;
        lock (_gate)
        {
            if (rates is not { } r) return null;
            if (Fetching)
            {
                if (r.Bytes <= 0 || bytesTotal is not { } total || InputsTotal <= 0) return null;
                if (Inputs >= InputsTotal) return TimeSpan.Zero;
                return TimeSpan.FromSeconds(Math.Max(0, total - InputBytes) / r.Bytes);
            }

            if (r.Units <= 0 || ObjectsTotal <= 0) return null;
            return TimeSpan.FromSeconds(Math.Max(0, ObjectsTotal - Objects) / r.Units);
        }
    }
}
