namespace Forge.Core.Telemetry;

/// <summary>Receives run progress. Implementations render it (plain lines, JSON lines, nothing). Must be thread-safe.</summary>
public interface IProgressSink
{
    void Stage(string stage, string detail);

    void InputFetched(string url, long bytes, bool fromCache, int retries);

    void ChunkWritten(string array, string key, long bytes);

    /// <summary>A staged run's stage 1 stored a piece (<paramref name="id"/>: its id in the intermediate array) of <paramref name="bytes"/> encoded bytes.</summary>
    void PieceWritten(string array, string id, long bytes) { }

    /// <summary>Body bytes of inputs being downloaded, as they arrive (before their <see cref="InputFetched"/>); called concurrently.</summary>
    void BytesReceived(long bytes) { }

    void Warning(string message);

    /// <summary>The totals of the phase about to start (sent before its stage event). Sinks that show no totals ignore it.</summary>
    void Totals(ProgressTotals totals) { }
}

/// <summary>Discards progress.</summary>
public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();

    public void Stage(string stage, string detail) { }

    public void InputFetched(string url, long bytes, bool fromCache, int retries) { }

    public void ChunkWritten(string array, string key, long bytes) { }

    public void PieceWritten(string array, string id, long bytes) { }

    public void BytesReceived(long bytes) { }

    public void Warning(string message) { }

    public void Totals(ProgressTotals totals) { }
}
