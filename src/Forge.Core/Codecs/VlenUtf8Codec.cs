using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;

namespace Forge.Core.Codecs;

/// <summary>
/// The <c>vlen-utf8</c> array→bytes codec of the Zarr v3 <c>string</c> data type (zarr-python 3, zarrita; numcodecs'
/// VLenUTF8 layout): a little-endian uint32 item count, then per item a uint32 byte length and its UTF-8 bytes.
/// Forge holds text as netCDF <c>char</c> data: fixed-width rows of bytes, the row being the chunk's last dimension
/// (a 0-d chunk is one 1-byte row). Encoding drops each row's trailing NULs, as numpy's <c>S</c> dtype and xarray's
/// character decoding do; decoding pads each string back to its row with NULs.
/// </summary>
public sealed class VlenUtf8Codec : IArrayToBytesCodec
{
    public static readonly VlenUtf8Codec Instance = new();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private VlenUtf8Codec() { }

    public string Name => "vlen-utf8";

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject());

    /// <summary>Bytes per string (the last dimension; 1 for a 0-d chunk) and the number of strings.</summary>
    public static (int Width, long Count) Rows(ChunkSpec spec)
    {
        if (spec.DataType != DataType.Char) throw new CodecException("vlen-utf8", $"text is stored from char data, not {spec.DataType}");
        if (spec.Shape.Length == 0) return (1, 1);
        var width = spec.Shape[^1];
        if (width > int.MaxValue) throw new CodecException("vlen-utf8", $"a string of {width} bytes is too long");
        long count = 1;
        for (var d = 0; d < spec.Shape.Length - 1; d++) count *= spec.Shape[d];
        return ((int)width, count);
    }

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        if (decoded.Length != spec.ByteCount)
            throw new CodecException(Name, $"cannot encode {decoded.Length} bytes: a {string.Join('x', spec.Shape)} char chunk has {spec.ByteCount}");
        var (width, count) = Rows(spec);
        if (count > uint.MaxValue) throw new CodecException(Name, $"{count} strings do not fit one chunk");
        long total = 4 + 4 * count;
        for (long i = 0; i < count; i++) total += Text(decoded, width, i).Length;
        var output = PooledBuffer.Rent(total);
        try
        {
            var span = output.Span;
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)count);
            var pos = 4;
            for (long i = 0; i < count; i++)
            {
                var text = Text(decoded, width, i);
                try
                {
                    StrictUtf8.GetCharCount(text);
                }
                catch (DecoderFallbackException)
                {
                    throw new CodecException(Name, $"string {i} of the chunk ({Convert.ToHexString(text)}) is not valid UTF-8; Zarr v3 text is UTF-8 (Zarr v2 keeps the bytes as |S1)");
                }

                BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], (uint)text.Length);
                text.CopyTo(span[(pos + 4)..]);
                pos += 4 + text.Length;
            }

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
        var (width, count) = Rows(spec);
        if (encoded.Length < 4) throw new CodecException(Name, $"{encoded.Length} bytes hold no item count");
        var items = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (items != count) throw new CodecException(Name, $"the chunk holds {items} strings, a {string.Join('x', spec.Shape)} char chunk needs {count}");
        var output = PooledBuffer.Rent(spec.ByteCount);
        try
        {
            var span = output.Span;
            span.Clear();
            var pos = 4;
            for (long i = 0; i < count; i++)
            {
                if (encoded.Length - pos < 4) throw new CodecException(Name, $"string {i}: the chunk ends inside its length");
                var length = BinaryPrimitives.ReadUInt32LittleEndian(encoded[pos..]);
                pos += 4;
                if (length > encoded.Length - pos) throw new CodecException(Name, $"string {i}: {length} bytes declared, {encoded.Length - pos} left");
                if (length > width) throw new CodecException(Name, $"string {i} has {length} UTF-8 bytes, more than the {width} of its char dimension");
                encoded.Slice(pos, (int)length).CopyTo(span.Slice((int)(i * width), width));
                pos += (int)length;
            }

            if (pos != encoded.Length) throw new CodecException(Name, $"{encoded.Length - pos} bytes follow the last string");
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    // Row i without its trailing NULs.
    private static ReadOnlySpan<byte> Text(ReadOnlySpan<byte> decoded, int width, long i)
    {
        var row = decoded.Slice((int)(i * width), width);
        var end = row.Length;
        while (end > 0 && row[end - 1] == 0) end--;
        return row[..end];
    }
}
