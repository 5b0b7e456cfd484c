using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;

namespace Forge.Core.Zarr;

/// <summary>How one variable is stored: chunking, codecs, and (v3) sharding. The pipeline's per-variable choice.</summary>
/// <param name="ChunkShape">Stored object shape (the shard shape when <paramref name="InnerChunkShape"/> is set).</param>
/// <param name="Codecs">Bytes→bytes codecs after <c>bytes</c> (v2: at most one compressor).</param>
/// <param name="InnerChunkShape">v3 sharding: the inner chunk shape; null for unsharded arrays.</param>
public sealed record ZarrStorageOptions(IReadOnlyList<long> ChunkShape, IReadOnlyList<IBytesToBytesCodec> Codecs, IReadOnlyList<long>? InnerChunkShape = null)
{
    /// <summary>v3 only: key encoding override (default <c>c/…</c> with '/'); v2: separator '.' unless set.</summary>
    public ZarrChunkKeyEncoding? ChunkKeyEncoding { get; init; }
}

/// <summary>
/// Turns a CF variable into Zarr array metadata following xarray's conventions (zarr-format.md §3):
/// v2 moves <c>_FillValue</c> into <c>fill_value</c> and adds <c>_ARRAY_DIMENSIONS</c>; v3 keeps <c>_FillValue</c> as an
/// attribute (floats base64 of the little-endian float64) and writes <c>dimension_names</c>. Floats without a
/// <c>_FillValue</c> get <c>fill_value</c> NaN.
/// </summary>
public static class ZarrVariableEncoding
{
    public const string FillValueAttribute = "_FillValue";

    /// <summary>CF/netCDF4-python: the encoding of char data's bytes.</summary>
    public const string EncodingAttribute = "_Encoding";

    public static ZarrArrayMetadata Build(VariableSchema variable, ZarrFormat format, ZarrStorageOptions storage)
    {
        var key = format == ZarrFormat.V2 ? $"{variable.Name}/.zarray" : $"{variable.Name}/zarr.json";
        if (variable.DataType == DataType.String)
            throw new ZarrMetadataException(key, $"variable '{variable.Name}' has variable-length strings, which Zarr numeric arrays cannot store");
        if (storage.ChunkShape.Count != variable.Rank)
            throw new ZarrMetadataException(key, $"chunk shape [{string.Join(", ", storage.ChunkShape)}] does not match the {variable.Rank} dimensions ({string.Join(", ", variable.Dimensions)}) of '{variable.Name}'");
        if (format == ZarrFormat.V2 && storage.InnerChunkShape is not null)
            throw new ZarrMetadataException(key, $"variable '{variable.Name}': sharding needs Zarr v3");

        // v3 text (char data): the fill is the empty string; _FillValue and _Encoding described the bytes, and the
        // strings are UTF-8 (xarray would try to decode str values again under _Encoding).
        var text = format == ZarrFormat.V3 && variable.DataType == DataType.Char;
        var fillAttribute = text ? null : variable.Attributes[FillValueAttribute];
        var fill = text ? ZarrFillValue.FromInteger(0)
            : fillAttribute is { IsText: false, Count: 1 } ? FromAttribute(fillAttribute, variable.DataType) : ZarrFillValue.DefaultFor(variable.DataType, format);
        var attributes = variable.Attributes;
        if (format == ZarrFormat.V2 || text) attributes = attributes.Without(FillValueAttribute);
        if (text) attributes = attributes.Without(EncodingAttribute).Without(ZarrArrayMetadata.CharDimensionAttribute);
        var json = ZarrAttributeEncoder.ToJson(attributes.Without(ZarrArrayMetadata.ArrayDimensionsAttribute));
        if (format == ZarrFormat.V3 && fillAttribute is not null)
            json[FillValueAttribute] = ZarrAttributeEncoder.EncodeV3FillValueAttribute(fillAttribute, variable.DataType);

        // The chunk shape is taken as given (the planner sizes the objects it hands to the writer); a chunk may
        // exceed its dimension, as in zarr. Zero-length dimensions still need a positive chunk extent.
        var chunks = storage.ChunkShape.Select(c => Math.Max(1, c)).ToImmutableArray();
        // Text arrays are not sharded (the planner never shards char arrays).
        if (text && storage.InnerChunkShape is not null)
            throw new ZarrMetadataException(key, $"variable '{variable.Name}': char data is stored as Zarr v3 text, which Forge does not shard");
        ImmutableArray<long>? inner = storage.InnerChunkShape is null ? null : [.. storage.InnerChunkShape];

        var meta = new ZarrArrayMetadata(format, variable.Shape, chunks, variable.DataType)
        {
            FillValue = fill,
            Codecs = storage.Codecs,
            InnerChunkShape = inner,
            DimensionNames = [.. variable.Dimensions],
            Attributes = json,
            ChunkKeyEncodingOverride = storage.ChunkKeyEncoding,
            StoresText = text,
        };
        meta.Validate(key);
        return meta;
    }

    private static ZarrFillValue FromAttribute(AttributeValue value, DataType type)
    {
        if (type.IsFloatingPoint()) return ZarrFillValue.FromFloat(value.AsDoubles()[0]);
        if (type == DataType.Bool) return ZarrFillValue.FromBool(value.AsDoubles()[0] != 0);
        if (!value.Unsigned.IsDefault) return type == DataType.UInt64 ? ZarrFillValue.FromUnsigned(value.Unsigned[0]) : ZarrFillValue.FromInteger((long)value.Unsigned[0]);
        if (!value.Integers.IsDefault) return ZarrFillValue.FromInteger(value.Integers[0]);
        return ZarrFillValue.FromInteger((long)value.AsDoubles()[0]);
    }
}
