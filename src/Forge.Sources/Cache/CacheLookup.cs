namespace Forge.Sources;

/// <summary>A verified cache hit: a local file holding the entry and whether the caller must delete it after use.</summary>
internal sealed record CacheLookup(string LocalPath, long Size, bool IsTemporary)
{
    /// <summary>The entry's sidecar (what the source said when it was stored), when the lookup read it.</summary>
    public CacheSidecar? Sidecar { get; init; }
}
