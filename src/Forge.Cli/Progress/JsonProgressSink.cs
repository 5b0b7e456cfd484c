using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary>
/// <c>--progress json</c>: one JSON object per line on stdout (events stage, input, chunk, retry, warning,
/// summary). Every event has <c>time</c> (UTC, ISO 8601); stage events carry the plan's totals as numbers; input and
/// chunk events carry <c>eta_seconds</c>, the whole run's time left (<see cref="ProgressState.RunEta"/>) once known.
/// </summary>
internal sealed class JsonProgressSink : IProgressSink
{
    private readonly TextWriter _stdout;
    private readonly Func<TimeSpan>? _clock;
    private ProgressState _state;

    /// <param name="clock">Elapsed time for the ETA; a stopwatch unless a test supplies times.</param>
    public JsonProgressSink(TextWriter stdout, Func<TimeSpan>? clock = null)
    {
        _stdout = stdout;
        _clock = clock;
        _state = new ProgressState(clock);
        DebugStop.Configure();
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();

    public void Emit(JsonObject obj)
    {
        var stamped = new JsonObject { ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (k, v) in obj) stamped[k] = v?.DeepClone();
        var line = stamped.ToJsonString(Options);
        lock (_gate) { _stdout.WriteLine(line); _stdout.Flush(); }
        DebugStop.After(stamped);
    }

    private ProgressTotals? _pending;

    /// <summary>The engine's totals: a "totals" event, and the same fields on the stage event that follows.</summary>
    public void Totals(ProgressTotals totals)
    {
        _state.Totals(totals);
        var e = new JsonObject { ["event"] = "totals", ["phase"] = totals.Phase };
        AddTotals(e, totals);
        Emit(e);
        lock (_gate) _pending = totals;
    }

    private static void AddTotals(JsonObject e, ProgressTotals t)
    {
        if (t.Inputs is { } i) e["inputs_total"] = i;
        if (t.InputBytes is { } b) e["input_bytes_total"] = b;
        if (t.Objects is { } o) e["objects_total"] = o;
        if (t.ObjectsDone is { } d) e["objects_done"] = d;
        if (t.Passes is { } p) e["passes"] = p;
    }

    public void Stage(string stage, string detail)
    {
        if (stage == "recipe") _state = new ProgressState(_clock); // a feedstock's next recipe: its own counters and rates
        _state.Stage(stage, detail);
        var e = new JsonObject { ["event"] = "stage", ["stage"] = stage, ["detail"] = detail };
        var phase = StageDetails.Phase(stage);
        if (phase is not null) e["phase"] = phase;
        ProgressTotals? totals;
        lock (_gate) { totals = _pending; if (totals is not null && totals.Phase == phase) _pending = null; else totals = null; }
        if (totals is not null && stage is "schema" or "write") AddTotals(e, totals);
        Emit(e);
    }

    public void InputFetched(string url, long bytes, bool fromCache, int retries)
    {
        _state.Input(bytes, retries, fromCache);
        Emit(WithEta(new JsonObject { ["event"] = "input", ["url"] = url, ["bytes"] = bytes, ["cached"] = fromCache, ["retries"] = retries }));
    }

    /// <summary>Feeds the ETA's byte rate; no event (one per network read would flood the stream).</summary>
    public void BytesReceived(long bytes) => _state.Received(bytes);

    public void ChunkWritten(string array, string key, long bytes)
    {
        _state.Object(bytes);
        Emit(WithEta(new JsonObject { ["event"] = "chunk", ["array"] = array, ["key"] = key, ["bytes"] = bytes }));
    }

    /// <summary>A staged run's piece in the intermediate store (stage 1): <c>{"event":"piece"}</c>.</summary>
    public void PieceWritten(string array, string id, long bytes) => Emit(new JsonObject { ["event"] = "piece", ["array"] = array, ["id"] = id, ["bytes"] = bytes });

    private JsonObject WithEta(JsonObject e)
    {
        if (_state.RunEta() is { } left) e["eta_seconds"] = Math.Round(left.TotalSeconds, 1);
        return e;
    }

    public void Warning(string message) => Emit(new JsonObject { ["event"] = "warning", ["message"] = message });

    /// <summary>A fetch is retried (from the fetcher's log; URLs are already redacted there).</summary>
    public void Retry(string url, int attempt, string reason) =>
        Emit(new JsonObject { ["event"] = "retry", ["url"] = url, ["attempt"] = attempt, ["reason"] = reason });
}
