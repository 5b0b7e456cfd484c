using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Telemetry;

namespace Forge.Cli.Progress;

/// <summary><c>--progress json</c>: one JSON object per line on stdout (events input, chunk, stage, warning, summary).</summary>
internal sealed class JsonProgressSink(TextWriter stdout) : IProgressSink
{
    private readonly Lock _gate = new();

    public void Emit(JsonObject obj)
    {
        var line = obj.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        lock (_gate) { stdout.WriteLine(line); stdout.Flush(); }
    }

    public void Stage(string stage, string detail) => Emit(new JsonObject { ["event"] = "stage", ["stage"] = stage, ["detail"] = detail });

    public void InputFetched(string url, long bytes, bool fromCache, int retries) =>
        Emit(new JsonObject { ["event"] = "input", ["url"] = url, ["bytes"] = bytes, ["cached"] = fromCache, ["retries"] = retries });

    public void ChunkWritten(string array, string key, long bytes) =>
        Emit(new JsonObject { ["event"] = "chunk", ["array"] = array, ["key"] = key, ["bytes"] = bytes });

    public void Warning(string message) => Emit(new JsonObject { ["event"] = "warning", ["message"] = message });
}
