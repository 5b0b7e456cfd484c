using System.Buffers;
using System.Text.Json.Nodes;
using Forge.Core.Codecs;

namespace Forge.Native.Compression;

/// <summary>Blosc's pre-compression filter (v2 integers 0/1/2, v3 strings).</summary>
public enum BloscShuffle
{
    NoShuffle = 0,
    Shuffle = 1,
    BitShuffle = 2,
}

/// <summary>
/// The <c>blosc</c> codec over libblosc 1.x: v3 {"cname","clevel","shuffle":"shuffle","typesize","blocksize"},
/// v2 {"id":"blosc","cname","clevel","shuffle":1,"blocksize"}. The frame format is the same in both.
/// </summary>
public sealed unsafe class BloscCodec : IBytesToBytesCodec, IStreamingBytesCodec
{
    private static readonly string[] Compressors = ["lz4", "lz4hc", "blosclz", "zstd", "zlib", "snappy"];

    public BloscCodec(string cname = "lz4", int clevel = 5, BloscShuffle shuffle = BloscShuffle.Shuffle, int typesize = 4, int blocksize = 0)
    {
        if (!Compressors.Contains(cname)) throw new CodecException("blosc", $"cname must be one of {string.Join(", ", Compressors)}, not \"{cname}\"");
        if (clevel is < 0 or > 9) throw new CodecException("blosc", $"clevel must be 0-9, not {clevel}");
        if (typesize < 1) throw new CodecException("blosc", $"typesize must be positive, not {typesize}");
        if (blocksize < 0) throw new CodecException("blosc", $"blocksize must not be negative, not {blocksize}");
        CName = cname;
        CLevel = clevel;
        Shuffle = shuffle;
        TypeSize = typesize;
        BlockSize = blocksize;
        _streamLayout = new(() => BloscStreamLayout.Create(this));
    }

    private readonly Lazy<BloscStreamLayout?> _streamLayout;

    public string Name => "blosc";

    public string CName { get; }

    public int CLevel { get; }

    public BloscShuffle Shuffle { get; }

    public int TypeSize { get; }

    public int BlockSize { get; }

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject
    {
        ["cname"] = CName,
        ["clevel"] = CLevel,
        ["shuffle"] = Shuffle switch { BloscShuffle.NoShuffle => "noshuffle", BloscShuffle.Shuffle => "shuffle", _ => "bitshuffle" },
        ["typesize"] = TypeSize,
        ["blocksize"] = BlockSize,
    });

    public JsonObject? ToV2Json() => new()
    {
        ["id"] = "blosc",
        ["cname"] = CName,
        ["clevel"] = CLevel,
        ["shuffle"] = (int)Shuffle,
        ["blocksize"] = BlockSize,
    };

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        if (decoded.Length > BloscNative.MaxBufferSize) throw new CodecException(Name, $"{decoded.Length} bytes exceeds blosc's 2 GiB limit");
        var capacity = decoded.Length + BloscNative.MaxOverhead;
        var output = PooledBuffer.Rent(capacity);
        try
        {
            int written;
            fixed (byte* src = decoded)
            fixed (byte* dst = output.Span)
                written = BloscNative.CompressCtx(CLevel, (int)Shuffle, (nuint)TypeSize, (nuint)decoded.Length, src, dst, (nuint)capacity, CName, (nuint)BlockSize, 1);
            if (written <= 0) throw new CodecException(Name, $"compression failed (blosc_compress_ctx returned {written}; is '{CName}' built into libblosc?)");
            output.Truncate(written);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>A block-by-block encoder byte-identical to <see cref="Encode"/>; null for objects smaller than a few blocks (or clevel 0).</summary>
    public IBytesStreamEncoder? CreateStreamEncoder(long decodedBytes)
    {
        if (decodedBytes < BloscStreamLayout.ProbeBytes(this) || decodedBytes > BloscNative.MaxBufferSize) return null;
        if (_streamLayout.Value is not { } layout) return null;
        long leftover = decodedBytes % layout.BlockSize;
        if (leftover > 0 && layout.ForcedFor(layout.BlockSize + (int)leftover) <= 0) return null;
        return new BloscStreamEncoder(this, layout, decodedBytes);
    }

    public long StreamEncoderBytes(long decodedBytes) =>
        BloscStreamEncoder.HeldBytes(_streamLayout.Value?.BlockSize ?? (int)Math.Min(decodedBytes, 1 << 20), decodedBytes);

    public long StreamScratchBytes(long decodedBytes) =>
        BloscStreamEncoder.ScratchBytes(_streamLayout.Value?.BlockSize ?? (int)Math.Min(decodedBytes, 1 << 20));

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec)
    {
        if (encoded.Length < BloscNative.MaxOverhead)
            throw new CodecException(Name, $"{encoded.Length} bytes is shorter than the 16-byte blosc header");
        nuint nbytes, cbytes, blocksize;
        fixed (byte* src = encoded)
        {
            // blosc 1.x trusts the header; validate it against the real length before decompressing.
            BloscNative.CBufferSizes(src, &nbytes, &cbytes, &blocksize);
            if (cbytes > (nuint)encoded.Length)
                throw new CodecException(Name, $"truncated frame: header says {cbytes} compressed bytes, got {encoded.Length}");
            if (BloscNative.CBufferValidate(src, (nuint)encoded.Length, &nbytes) < 0 || nbytes > BloscNative.MaxBufferSize)
                throw new CodecException(Name, $"invalid frame header ({encoded.Length} bytes)");
        }

        var output = PooledBuffer.Rent((long)nbytes);
        try
        {
            int written;
            fixed (byte* src = encoded)
            fixed (byte* dst = output.Span)
                written = BloscNative.DecompressCtx(src, dst, nbytes, 1);
            if (written < 0 || (nuint)written != nbytes)
                throw new CodecException(Name, $"decompression failed (blosc_decompress_ctx returned {written}, expected {nbytes} bytes)");
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }
}
