using System.Buffers;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Kernels;

namespace Forge.Core.Codecs;

/// <summary>Byte order of stored elements.</summary>
public enum Endian
{
    Little,
    Big,
}

/// <summary>The v3 <c>bytes</c> array→bytes codec: C-order elements in the given byte order.</summary>
public sealed class BytesCodec(Endian endian = Endian.Little) : IArrayToBytesCodec
{
    public static readonly BytesCodec Little = new(Endian.Little);

    public string Name => "bytes";

    public Endian Endian { get; } = endian;

    /// <summary>True when encoding is a plain copy (the stored byte order is this machine's).</summary>
    public bool IsIdentity => Endian == Endian.Little == BitConverter.IsLittleEndian;

    public static BytesCodec FromJson(JsonObject? configuration) =>
        CodecJson.GetString(configuration, "bytes", "endian", "little") switch
        {
            "little" => Little,
            "big" => new BytesCodec(Endian.Big),
            var other => throw new CodecException("bytes", $"endian must be \"little\" or \"big\", not \"{other}\""),
        };

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject { ["endian"] = Endian == Endian.Little ? "little" : "big" });

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec) => Convert(decoded, spec, "encode");

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec) => Convert(encoded, spec, "decode");

    private IMemoryOwner<byte> Convert(ReadOnlySpan<byte> input, ChunkSpec spec, string what)
    {
        if (input.Length != spec.ByteCount)
            throw new CodecException(Name, $"cannot {what} {input.Length} bytes: a {string.Join('x', spec.Shape)} {spec.DataType} chunk has {spec.ByteCount}");
        var output = PooledBuffer.CopyOf(input);
        if (Endian == Endian.Big != !BitConverter.IsLittleEndian) EndianSwap.SwapInPlace(output.Span, spec.DataType.ElementSize());
        return output;
    }
}
