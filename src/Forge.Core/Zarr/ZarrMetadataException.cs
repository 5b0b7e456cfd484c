using Forge.Core.Datasets;

namespace Forge.Core.Zarr;

/// <summary>A metadata document is missing, malformed or unsupported; the message starts with the document key and names the field.</summary>
public sealed class ZarrMetadataException : DataException
{
    public ZarrMetadataException(string key, string message) : base($"{key}: {message}") => Key = key;

    public ZarrMetadataException(string key, string message, Exception inner) : base($"{key}: {message}", inner) => Key = key;

    /// <summary>The store key of the offending document (".zarray", "sst/zarr.json").</summary>
    public string Key { get; } = "";
}
