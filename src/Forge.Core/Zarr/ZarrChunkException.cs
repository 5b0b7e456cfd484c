using Forge.Core.Datasets;

namespace Forge.Core.Zarr;

/// <summary>A chunk could not be encoded, decoded or stored; the message starts with the chunk's store key ("sst/c/0/1/2: crc32c: ...").</summary>
public sealed class ZarrChunkException : DataException
{
    public ZarrChunkException(string chunkKey, string message) : base($"{chunkKey}: {message}") => ChunkKey = chunkKey;

    public ZarrChunkException(string chunkKey, string message, Exception inner) : base($"{chunkKey}: {message}", inner) => ChunkKey = chunkKey;

    /// <summary>The full store key of the chunk (array path included).</summary>
    public string ChunkKey { get; } = "";
}
