using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary>
/// <c>--progress json</c>: one JSON object per line on stdout (events stage, input, chunk, retry, warning,
/// summary). Every event has <c>time</c> (UTC, ISO 8601); stage events carry the plan's totals as numbers.
/// </summary>
internal sealed class JsonProgressSink(TextWriter stdout) : IProgressSink
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lock _gate = new();

    public void Emit(JsonObject obj)
    {
        var stamped = new JsonObject { ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (k, v) in obj) stamped[k] = v?.DeepClone();
        var line = stamped.ToJsonString(Options);
        lock (_gate) { stdout.WriteLine(line); stdout.Flush(); }
    }

    public void Stage(string stage, string detail)
    {
        var e = new JsonObject { ["event"] = "stage", ["stage"] = stage, ["detail"] = detail };
        if (StageDetails.Phase(stage) is { } phase) e["phase"] = phase;
        var (inputs, objects, done, passes) = StageDetails.Parse(stage, detail);
        if (inputs is { } i) e["inputs_total"] = i;
        if (objects is { } o) e["objects_total"] = o;
        if (done is { } d) e["objects_done"] = d;
        if (passes is { } p) e["passes"] = p;
        Emit(e);
    }

    public void InputFetched(string url, long bytes, bool fromCache, int retries) =>
        Emit(new JsonObject { ["event"] = "input", ["url"] = url, ["bytes"] = bytes, ["cached"] = fromCache, ["retries"] = retries });

    public void ChunkWritten(string array, string key, long bytes) =>
        Emit(new JsonObject { ["event"] = "chunk", ["array"] = array, ["key"] = key, ["bytes"] = bytes });

    public void Warning(string message) => Emit(new JsonObject { ["event"] = "warning", ["message"] = message });

    /// <summary>A fetch is retried (from the fetcher's log; URLs are already redacted there).</summary>
    public void Retry(string url, int attempt, string reason) =>
        Emit(new JsonObject { ["event"] = "retry", ["url"] = url, ["attempt"] = attempt, ["reason"] = reason });
}
