using System.Buffers;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Forge.Core.Codecs;

/// <summary>The numcodecs <c>zlib</c> codec (RFC 1950): v2 {"id":"zlib","level":N}; v3 name "numcodecs.zlib".</summary>
public sealed class ZlibCodec : IBytesToBytesCodec
{
    public ZlibCodec(int level = 1)
    {
        if (level is < 0 or > 9) throw new CodecException("zlib", $"level must be 0-9, not {level}");
        Level = level;
    }

    public string Name => "numcodecs.zlib";

    public int Level { get; }

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject { ["level"] = Level });

    public JsonObject? ToV2Json() => new() { ["id"] = "zlib", ["level"] = Level };

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec) =>
        DeflateStreams.Compress(decoded, s => new ZLibStream(s, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true), DeflateStreams.EmptyZlib);

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec) =>
        DeflateStreams.Decompress("zlib", encoded, spec.ByteCount, s => new ZLibStream(s, CompressionMode.Decompress));
}
