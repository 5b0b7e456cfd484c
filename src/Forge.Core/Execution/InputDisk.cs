using System.Collections.Concurrent;
using Forge.Core.Sources;

namespace Forge.Core.Execution;

/// <summary>
/// The local disk a run's inputs hold and the downloads it made, for the run summary. Counted: temporary downloads
/// (deleted by the run after their last use), from the moment the fetch returns until they are deleted; input-cache
/// entries and local files are not the run's to delete and are not counted. A download is a fetch of a remote URL
/// that did not come from the cache.
/// </summary>
public sealed class InputDisk
{
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);
    private long _bytes, _peak, _downloads;

    /// <summary>Bytes of temporary input files on disk now.</summary>
    public long HeldBytes => Interlocked.Read(ref _bytes);

    /// <summary>Most bytes of temporary input files on disk at once.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    /// <summary>Remote inputs transferred in full (not from the cache), schema pass and pipeline together.</summary>
    public long Downloads => Interlocked.Read(ref _downloads);

    /// <summary>A fetch of <paramref name="url"/> returned <paramref name="file"/>.</summary>
    public void Fetched(string url, FetchedInput file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.FromCache && IsRemote(url)) Interlocked.Increment(ref _downloads);
        if (!file.IsTemporary || !_held.TryAdd(file.LocalPath, file.Bytes)) return;
        long now = Interlocked.Add(ref _bytes, file.Bytes);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    /// <summary><paramref name="file"/> was disposed (a temporary one is deleted).</summary>
    public void Deleted(FetchedInput file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (_held.TryRemove(file.LocalPath, out var bytes)) Interlocked.Add(ref _bytes, -bytes);
    }

    private static bool IsRemote(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("ftp://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);
}
