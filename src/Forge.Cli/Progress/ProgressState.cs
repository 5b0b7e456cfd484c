using System.Diagnostics;

namespace Forge.Cli.Progress;

/// <summary>
/// Counters of a run for the live view: inputs and bytes fetched, objects and bytes written, totals from the plan,
/// and the rate of the current phase over a sliding window (the last 10 s, from the phase's second unit on) with
/// the ETA of the phase it implies.
/// </summary>
internal sealed class ProgressState
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Func<TimeSpan> _now;

    /// <param name="now">The clock (elapsed since the run started); a stopwatch unless a replay supplies event times.</param>
    public ProgressState(Func<TimeSpan>? now = null)
    {
        var watch = Stopwatch.StartNew();
        _now = now ?? (() => watch.Elapsed);
    }
    private readonly Queue<(TimeSpan At, double Work)> _samples = new();

    public string Phase { get; private set; } = "fetch";
    public long InputsTotal { get; private set; }
    public long Inputs { get; private set; }
    public long InputBytes { get; private set; }
    public long ObjectsTotal { get; private set; }
    public long Objects { get; private set; }
    public long ObjectBytes { get; private set; }
    public int Retries { get; private set; }

    public TimeSpan Elapsed => _now();

    public void Stage(string stage, string detail)
    {
        lock (_gate)
        {
            var (inputs, objects, done, _) = StageDetails.Parse(stage, detail);
            if (inputs is { } i) InputsTotal = i;
            if (objects is { } o) { ObjectsTotal = o; Objects = done ?? 0; }
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

    private double Work => Phase == "fetch" ? Inputs : Objects;

    private double Total => Phase == "fetch" ? InputsTotal : ObjectsTotal;

    private int _phaseSamples;

    private void Sample()
    {
        // The first unit of a phase carries one-time costs (JIT, first connection, the first header check); the rate
        // window starts after it, so it does not inflate the ETA for the rest.
        if (++_phaseSamples == 1) return;
        var now = _now();
        _samples.Enqueue((now, Work));
        while (_samples.Count > 2 && now - _samples.Peek().At > Window) _samples.Dequeue();
    }

    /// <summary>Units (inputs or objects) per second over the window, or null before two samples.</summary>
    public double? Rate()
    {
        lock (_gate)
        {
            if (_samples.Count < 2) return null;
            var first = _samples.Peek();
            var span = (_now() - first.At).TotalSeconds;
            return span <= 0 ? null : (Work - first.Work) / span;
        }
    }

    /// <summary>Time left in the current phase at the windowed rate, or null while unknown.</summary>
    public TimeSpan? Eta()
    {
        var rate = Rate();
        lock (_gate)
        {
            if (rate is not > 0 || Total <= 0) return null;
            return TimeSpan.FromSeconds(Math.Max(0, Total - Work) / rate.Value);
        }
    }
}
