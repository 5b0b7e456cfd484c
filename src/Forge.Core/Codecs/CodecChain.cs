using System.Buffers;
using System.Text.Json.Nodes;

namespace Forge.Core.Codecs;

/// <summary>
/// A Zarr v3 codec pipeline: array→array codecs, exactly one array→bytes codec, then bytes→bytes codecs.
/// Encode runs them in order, decode in reverse; decode checks the final size against the chunk spec.
/// </summary>
public sealed class CodecChain
{
    public CodecChain(IEnumerable<IArrayToArrayCodec> arrayToArray, IArrayToBytesCodec arrayToBytes, IEnumerable<IBytesToBytesCodec> bytesToBytes)
    {
        ArrayToArray = [.. arrayToArray];
        ArrayToBytes = arrayToBytes ?? throw new ArgumentNullException(nameof(arrayToBytes));
        BytesToBytes = [.. bytesToBytes];
    }

    /// <summary>A chain of <c>bytes</c> (little-endian) followed by <paramref name="bytesToBytes"/>.</summary>
    public CodecChain(params IBytesToBytesCodec[] bytesToBytes) : this([], BytesCodec.Little, bytesToBytes) { }

    public IReadOnlyList<IArrayToArrayCodec> ArrayToArray { get; }

    public IArrayToBytesCodec ArrayToBytes { get; }

    public IReadOnlyList<IBytesToBytesCodec> BytesToBytes { get; }

    public JsonArray ToV3Json() =>
        new([.. ArrayToArray.Select(c => (JsonNode)c.ToV3Json()), ArrayToBytes.ToV3Json(), .. BytesToBytes.Select(c => (JsonNode)c.ToV3Json())]);

    /// <summary>Encodes one full chunk (C order, little-endian elements) to its stored bytes.</summary>
    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        if (decoded.Length != spec.ByteCount)
            throw new CodecException(ArrayToBytes.Name, $"a {string.Join('x', spec.Shape)} {spec.DataType} chunk has {spec.ByteCount} bytes, got {decoded.Length}");
        IMemoryOwner<byte>? current = null;
        try
        {
            foreach (var codec in ArrayToArray)
            {
                var next = codec.Encode(current is null ? decoded : current.Memory.Span, spec);
                current?.Dispose();
                current = next;
                spec = codec.ResolveSpec(spec);
            }

            var elements = current is null ? decoded : current.Memory.Span;
            var first = 0;
            if (BytesToBytes.Count > 0 && ArrayToBytes is BytesCodec b && b.IsIdentity)
            {
                // The bytes codec would only copy (native byte order): the first compressor reads the elements as they are.
                var compressed = BytesToBytes[0].Encode(elements, spec);
                current?.Dispose();
                current = compressed;
                first = 1;
            }
            else
            {
                var bytes = ArrayToBytes.Encode(elements, spec);
                current?.Dispose();
                current = bytes;
            }

            for (var i = first; i < BytesToBytes.Count; i++)
            {
                var next = BytesToBytes[i].Encode(current.Memory.Span, spec);
                current.Dispose();
                current = next;
            }

            var result = current;
            current = null;
            return result;
        }
        finally
        {
            current?.Dispose();
        }
    }

    /// <summary>Decodes stored bytes to one full chunk; throws <see cref="CodecException"/> naming the failing codec.</summary>
    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec)
    {
        var specs = new ChunkSpec[ArrayToArray.Count + 1];
        specs[0] = spec;
        for (var i = 0; i < ArrayToArray.Count; i++) specs[i + 1] = ArrayToArray[i].ResolveSpec(specs[i]);
        IMemoryOwner<byte>? current = null;
        ICodec stage = ArrayToBytes;
        try
        {
            for (var i = BytesToBytes.Count - 1; i >= 0; i--)
            {
                stage = BytesToBytes[i];
                var next = BytesToBytes[i].Decode(current is null ? encoded : current.Memory.Span, specs[^1]);
                current?.Dispose();
                current = next;
            }

            stage = ArrayToBytes;
            var array = ArrayToBytes.Decode(current is null ? encoded : current.Memory.Span, specs[^1]);
            current?.Dispose();
            current = array;
            for (var i = ArrayToArray.Count - 1; i >= 0; i--)
            {
                stage = ArrayToArray[i];
                var next = ArrayToArray[i].Decode(current.Memory.Span, specs[i]);
                current.Dispose();
                current = next;
            }

            if (current.Memory.Length != spec.ByteCount)
                throw new CodecException(stage.Name, $"decoded {current.Memory.Length} bytes, expected {spec.ByteCount} for a {string.Join('x', spec.Shape)} {spec.DataType} chunk");
            var result = current;
            current = null;
            return result;
        }
        catch (Exception e) when (e is not CodecException and not OutOfMemoryException and not OperationCanceledException)
        {
            // Failures inside a codec (native, BCL) are reported under that codec's name.
            throw new CodecException(stage.Name, e.Message, e);
        }
        finally
        {
            current?.Dispose();
        }
    }
}
