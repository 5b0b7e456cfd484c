using System.Diagnostics;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary>
/// Counters of a run for the live view: inputs and bytes fetched, objects and bytes written, totals from the
/// engine's typed <see cref="ProgressTotals"/>, and the rate of the current phase over a sliding window (the last
/// 10 s, from the phase's second unit on) with the ETA of the phase it implies. The fetch ETA is by bytes: the bytes
/// left (the inputs' known total, else the mean size so far × the inputs left) at the windowed byte rate, so a few
/// large files do not skew it as a count would. Fetched bytes count as they stream in (<see cref="Received"/>), not
/// only when an input completes: parallel downloads sharing one link finish in bursts, and a rate from completions
/// alone swings with them. The write ETA is by objects (equal-sized chunks or shards).
/// <see cref="RunEta"/> is the whole run's: the current phase's time left plus the phases still to come, each from
/// its own totals and rate (see there).
/// </summary>
internal sealed class ProgressState
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Func<TimeSpan> _now;
    private readonly Queue<(TimeSpan At, double Units, double Bytes)> _samples = new();
    private int _phaseSamples;
    private long _streamed;      // body bytes received so far (downloads in flight included)
    private long _cachedBytes;   // bytes of inputs served from the cache (never streamed)
    private TimeSpan? _lastStreamSample;
    private long _objectsDoneBefore;

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
            if (totals.Objects is { } o) { ObjectsTotal = o; Objects = _objectsDoneBefore = totals.ObjectsDone ?? 0; }
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

    public void Input(long bytes, int retries, bool fromCache = false)
    {
        lock (_gate)
        {
            Inputs++; InputBytes += bytes; Retries += retries;
            if (fromCache) _cachedBytes += bytes;
            Sample();
        }
    }

    /// <summary>Body bytes arrived for downloads in flight; samples the fetch rate at most every 250 ms.</summary>
    public void Received(long bytes)
    {
        lock (_gate)
        {
            _streamed += bytes;
            if (!Fetching) return;
            var now = _now();
            if (_lastStreamSample is { } last && now - last < StreamSampleSpacing) return;
            _lastStreamSample = now;
            Sample();
        }
    }

    private static readonly TimeSpan StreamSampleSpacing = TimeSpan.FromMilliseconds(250);

    /// <summary>Bytes fetched so far: completed inputs, or what has streamed in (plus cached inputs) when that is more.</summary>
    private long FetchedBytes => Math.Max(InputBytes, _streamed + _cachedBytes);

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
        _samples.Enqueue((now, Fetching ? Inputs : Objects, Fetching ? FetchedBytes : ObjectBytes));
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
            return (((Fetching ? Inputs : Objects) - first.Units) / span, ((Fetching ? FetchedBytes : ObjectBytes) - first.Bytes) / span);
        }
    }

    /// <summary>
    /// Input bytes per second the write phase (decode, rechunk, encode, store) is assumed to get through until it has a
    /// rate of its own: below what the benchmarks measure on a loaded 2-core machine (docs/performance.md, about
    /// 28 MB/s and up), so the estimate errs long. It matters only while fetching, and only as much as the write
    /// phase's share of the run: on a network-bound run (the usual remote case) that share is small.
    /// </summary>
    public const double WritePriorBytesPerSecond = 20e6;

    /// <summary>
    /// Time left in the whole run (fetch + decode/write + publish), or null while unknown. Fetching: the bytes left at
    /// the fetch's windowed byte rate, plus the write phase estimated from the bytes it will decode (every input's
    /// bytes, the known total or the mean so far × the inputs) at <see cref="WritePriorBytesPerSecond"/>. Writing:
    /// the objects left at the windowed object rate once there is one; before that, the objects' share of the input
    /// bytes at the prior. Publishing (metadata only) counts as no time.
    /// </summary>
    public TimeSpan? RunEta()
    {
        var phaseEta = Eta();
        var bytesTotal = InputBytesTotal;
        lock (_gate)
        {
            switch (Phase)
            {
                case "fetch":
                    if (phaseEta is not { } fetchLeft || bytesTotal is not { } decode) return null;
                    return fetchLeft + TimeSpan.FromSeconds(decode / WritePriorBytesPerSecond);
                case "write":
                    if (phaseEta is { } writeLeft) return writeLeft;
                    if (ObjectsTotal <= 0) return null;
                    var objectsToWrite = Math.Max(1, ObjectsTotal - _objectsDoneBefore);
                    var share = (double)Math.Max(0, ObjectsTotal - Objects) / objectsToWrite;
                    return TimeSpan.FromSeconds(share * (bytesTotal ?? InputBytes) / WritePriorBytesPerSecond);
                default:
                    return TimeSpan.Zero;
            }
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
                return TimeSpan.FromSeconds(Math.Max(0, total - FetchedBytes) / r.Bytes);
            }

            if (r.Units <= 0 || ObjectsTotal <= 0) return null;
            return TimeSpan.FromSeconds(Math.Max(0, ObjectsTotal - Objects) / r.Units);
        }
    }
}
