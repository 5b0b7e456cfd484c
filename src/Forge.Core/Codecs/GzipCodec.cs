using System.Buffers;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Forge.Core.Codecs;

/// <summary>The <c>gzip</c> codec (RFC 1952): v3 {"name":"gzip","configuration":{"level":N}}, v2 {"id":"gzip","level":N}.</summary>
public sealed class GzipCodec : IBytesToBytesCodec
{
    public GzipCodec(int level = 5)
    {
        if (level is < 0 or > 9) throw new CodecException("gzip", $"level must be 0-9, not {level}");
        Level = level;
    }

    public string Name => "gzip";

    public int Level { get; }

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject { ["level"] = Level });

    public JsonObject? ToV2Json() => new() { ["id"] = "gzip", ["level"] = Level };

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec) =>
        DeflateStreams.Compress(decoded, s => new GZipStream(s, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true), DeflateStreams.EmptyGzip);

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec) =>
        DeflateStreams.Decompress(Name, encoded, spec.ByteCount, s => new GZipStream(s, CompressionMode.Decompress));
}
