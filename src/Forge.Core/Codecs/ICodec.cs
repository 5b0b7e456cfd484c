using System.Buffers;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;

namespace Forge.Core.Codecs;

/// <summary>What a codec sees of the chunk it encodes: its shape and element type.</summary>
public sealed record ChunkSpec(long[] Shape, DataType DataType)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public long ByteCount => ElementCount * DataType.ElementSize();
}

/// <summary>A Zarr codec. <see cref="Name"/> is the Zarr v3 name.</summary>
public interface ICodec
{
    string Name { get; }

    /// <summary>The v3 codec object: {"name":..., "configuration":{...}}.</summary>
    JsonObject ToV3Json();
}

/// <summary>Array → array (e.g. transpose). Operates on decoded element bytes.</summary>
public interface IArrayToArrayCodec : ICodec
{
    ChunkSpec ResolveSpec(ChunkSpec decoded);

    IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec);

    IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec);
}

/// <summary>Array → bytes (bytes, sharding_indexed).</summary>
public interface IArrayToBytesCodec : ICodec
{
    IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec);

    IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec);
}

/// <summary>Bytes → bytes (blosc, zstd, gzip, crc32c). <see cref="ToV2Json"/> is the numcodecs form, null if none.</summary>
public interface IBytesToBytesCodec : ICodec
{
    IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec);

    IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec);

    /// <summary>The Zarr v2 / numcodecs compressor object ({"id":"zstd","level":3}), or null when v2 has none.</summary>
    JsonObject? ToV2Json();
}

/// <summary>Creates bytes→bytes codecs by name; native-backed codecs (blosc, zstd) register from Forge.Native.</summary>
public interface IBytesCodecFactory
{
    /// <summary>Names this factory creates ("zstd", "blosc", ...).</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Creates a codec from its v3 configuration (or the v2 numcodecs object, same keys except blosc shuffle).</summary>
    IBytesToBytesCodec Create(string name, JsonObject? configuration, DataType dataType);
}
