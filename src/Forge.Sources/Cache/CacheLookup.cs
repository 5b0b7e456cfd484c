namespace Forge.Sources;

/// <summary>A verified cache hit: a local file holding the entry and whether the caller must delete it after use.</summary>
internal sealed record CacheLookup(string LocalPath, long Size, bool IsTemporary);
