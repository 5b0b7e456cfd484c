using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Forge.Core.Kernels;

namespace Forge.Core.Codecs;

/// <summary>The v3 <c>crc32c</c> bytes→bytes codec: appends the little-endian CRC-32C of the bytes; decode verifies it.</summary>
public sealed class Crc32cCodec : IBytesToBytesCodec
{
    public static readonly Crc32cCodec Instance = new();

    public string Name => "crc32c";

    public JsonObject ToV3Json() => CodecJson.V3(Name, null);

    public JsonObject? ToV2Json() => null;

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        var output = PooledBuffer.Rent(decoded.Length + 4L);
        decoded.CopyTo(output.Span);
        BinaryPrimitives.WriteUInt32LittleEndian(output.Span[decoded.Length..], Crc32C.Compute(decoded));
        return output;
    }

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec)
    {
        if (encoded.Length < 4) throw new CodecException(Name, $"{encoded.Length} bytes is too short to hold a checksum");
        var payload = encoded[..^4];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(encoded[^4..]);
        var computed = Crc32C.Compute(payload);
        if (stored != computed)
            throw new CodecException(Name, $"checksum mismatch: stored 0x{stored:X8}, computed 0x{computed:X8} over {payload.Length} bytes");
        return PooledBuffer.CopyOf(payload);
    }
}
