namespace Forge.Core.Zarr;

/// <summary>The Zarr format version of a store.</summary>
public enum ZarrFormat
{
    V2 = 2,
    V3 = 3,
}
