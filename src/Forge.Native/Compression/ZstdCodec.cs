using System.Buffers;
using System.Text.Json.Nodes;
using Forge.Core.Codecs;

namespace Forge.Native.Compression;

/// <summary>
/// The <c>zstd</c> codec over libzstd: v3 {"name":"zstd","configuration":{"level":N,"checksum":bool}},
/// v2 {"id":"zstd","level":N}. Level 0 means libzstd's default (3), as in numcodecs.
/// </summary>
public sealed unsafe class ZstdCodec : IBytesToBytesCodec
{
    // One compression context per thread: creating one per chunk costs more than compressing a small chunk.
    [ThreadStatic] private static CCtxHandle? t_cctx;
    [ThreadStatic] private static DCtxHandle? t_dctx;

    public ZstdCodec(int level = 0, bool checksum = false)
    {
        if (level is < -131072 or > 22) throw new CodecException("zstd", $"level must be at most 22, not {level}");
        Level = level;
        Checksum = checksum;
    }

    public string Name => "zstd";

    public int Level { get; }

    public bool Checksum { get; }

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject { ["level"] = Level, ["checksum"] = Checksum });

    public JsonObject? ToV2Json() => Checksum
        ? new JsonObject { ["id"] = "zstd", ["level"] = Level, ["checksum"] = true }
        : new JsonObject { ["id"] = "zstd", ["level"] = Level };

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        var cctx = (t_cctx ??= new CCtxHandle()).Handle;
        Check(ZstdNative.CCtxSetParameter(cctx, ZstdNative.CompressionLevelParameter, Level), "set level");
        Check(ZstdNative.CCtxSetParameter(cctx, ZstdNative.ChecksumFlagParameter, Checksum ? 1 : 0), "set checksum flag");
        var bound = ZstdNative.CompressBound((nuint)decoded.Length);
        var output = PooledBuffer.Rent((long)bound);
        try
        {
            nuint written;
            fixed (byte* src = decoded)
            fixed (byte* dst = output.Span)
                written = ZstdNative.Compress2(cctx, dst, bound, src, (nuint)decoded.Length);
            Check(written, "compress");
            output.Truncate((int)written);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec)
    {
        ulong size;
        fixed (byte* src = encoded) size = ZstdNative.GetFrameContentSize(src, (nuint)encoded.Length);
        if (size == ZstdNative.ContentSizeError)
            throw new CodecException(Name, $"{encoded.Length} bytes are not a zstd frame");
        // Frames without a content size (streaming writers) are decoded into the chunk's expected size.
        var capacity = size == ZstdNative.ContentSizeUnknown ? spec.ByteCount : (long)size;
        if (capacity > Array.MaxLength) throw new CodecException(Name, $"frame declares {size} bytes, more than a chunk can hold");
        var dctx = (t_dctx ??= new DCtxHandle()).Handle;
        var output = PooledBuffer.Rent(capacity);
        try
        {
            nuint written;
            fixed (byte* src = encoded)
            fixed (byte* dst = output.Span)
                written = ZstdNative.DecompressDCtx(dctx, dst, (nuint)capacity, src, (nuint)encoded.Length);
            Check(written, "decompress");
            output.Truncate((int)written);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private void Check(nuint code, string what)
    {
        if (ZstdNative.IsError(code) != 0) throw new CodecException(Name, $"{what} failed: {ZstdNative.ErrorName(code)}");
    }

    private sealed class CCtxHandle
    {
        public nint Handle { get; } = ZstdNative.CreateCCtx();

        ~CCtxHandle() => ZstdNative.FreeCCtx(Handle);
    }

    private sealed class DCtxHandle
    {
        public nint Handle { get; } = ZstdNative.CreateDCtx();

        ~DCtxHandle() => ZstdNative.FreeDCtx(Handle);
    }
}
