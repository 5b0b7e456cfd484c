namespace Forge.Core.Storage;

/// <summary>
/// A store that can leave partial objects behind when its writer is killed (a local temp file before its rename, an
/// S3 multipart upload never completed). The run that holds the target's lease removes them.
/// </summary>
public interface ITemporaryObjectSweeper
{
    /// <summary>Removes partial objects older than <paramref name="olderThan"/>; returns how many it removed.</summary>
    ValueTask<int> SweepTemporaryObjectsAsync(DateTimeOffset olderThan, CancellationToken ct = default);
}
