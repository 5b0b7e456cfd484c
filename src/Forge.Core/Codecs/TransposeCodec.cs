using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;

namespace Forge.Core.Codecs;

/// <summary>The v3 <c>transpose</c> array→array codec: encoded dimension i is decoded dimension <c>order[i]</c>.</summary>
public sealed class TransposeCodec : IArrayToArrayCodec
{
    public TransposeCodec(IReadOnlyList<int> order)
    {
        var sorted = order.Order().ToArray();
        for (var i = 0; i < sorted.Length; i++)
            if (sorted[i] != i) throw new CodecException("transpose", $"order [{string.Join(", ", order)}] is not a permutation of 0..{order.Count - 1}");
        Order = [.. order];
    }

    public string Name => "transpose";

    public ImmutableArray<int> Order { get; }

    public static TransposeCodec FromJson(JsonObject? configuration)
    {
        if (configuration?["order"] is not JsonArray a) throw new CodecException("transpose", "configuration is missing the 'order' array");
        return new TransposeCodec(a.Select(n => n?.GetValue<int>() ?? throw new CodecException("transpose", "order has a null entry")).ToArray());
    }

    public JsonObject ToV3Json() => CodecJson.V3(Name, new JsonObject { ["order"] = new JsonArray([.. Order.Select(o => (JsonNode)o)]) });

    public ChunkSpec ResolveSpec(ChunkSpec decoded)
    {
        CheckRank(decoded);
        return decoded with { Shape = Order.Select(o => decoded.Shape[o]).ToArray() };
    }

    public IMemoryOwner<byte> Encode(ReadOnlySpan<byte> decoded, ChunkSpec spec)
    {
        CheckRank(spec);
        // Walk the encoded array in C order; each encoded index maps to decoded index[order[i]].
        var encodedShape = ResolveSpec(spec).Shape;
        return Permute(decoded, spec, encodedShape, Order.ToArray());
    }

    public IMemoryOwner<byte> Decode(ReadOnlySpan<byte> encoded, ChunkSpec spec)
    {
        CheckRank(spec);
        var inverse = new int[Order.Length];
        for (var i = 0; i < Order.Length; i++) inverse[Order[i]] = i;
        var encodedSpec = ResolveSpec(spec);
        return Permute(encoded, encodedSpec, spec.Shape, inverse);
    }

    // Output element at output index o equals input element at input index p where p[axes[i]] = o[i].
    private IMemoryOwner<byte> Permute(ReadOnlySpan<byte> input, ChunkSpec inputSpec, long[] outputShape, int[] axes)
    {
        if (input.Length != inputSpec.ByteCount) throw new CodecException(Name, $"expected {inputSpec.ByteCount} bytes, got {input.Length}");
        var size = inputSpec.DataType.ElementSize();
        var rank = outputShape.Length;
        var inStrides = new long[rank];
        long stride = 1;
        for (var d = rank - 1; d >= 0; d--) { inStrides[d] = stride; stride *= inputSpec.Shape[d]; }
        var stepForOutputAxis = new long[rank];
        for (var i = 0; i < rank; i++) stepForOutputAxis[i] = inStrides[axes[i]];
        var output = PooledBuffer.Rent(input.Length);
        var dst = output.Span;
        var index = new long[rank];
        long src = 0;
        var count = inputSpec.ElementCount;
        for (long e = 0; e < count; e++)
        {
            input.Slice((int)(src * size), size).CopyTo(dst.Slice((int)(e * size), size));
            for (var d = rank - 1; d >= 0; d--)
            {
                src += stepForOutputAxis[d];
                if (++index[d] < outputShape[d]) break;
                src -= stepForOutputAxis[d] * outputShape[d];
                index[d] = 0;
            }
        }

        return output;
    }

    private void CheckRank(ChunkSpec spec)
    {
        if (spec.Shape.Length != Order.Length)
            throw new CodecException(Name, $"order has {Order.Length} dimensions but the chunk has {spec.Shape.Length}");
    }
}
