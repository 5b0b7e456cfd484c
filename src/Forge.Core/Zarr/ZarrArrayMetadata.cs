using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;

namespace Forge.Core.Zarr;

/// <summary>
/// One Zarr array's metadata, for v2 (<c>.zarray</c> + <c>.zattrs</c>) and v3 (<c>zarr.json</c>).
/// <see cref="ChunkShape"/> is the stored object's shape (the shard shape when <see cref="InnerChunkShape"/> is set).
/// <see cref="Codecs"/> are the bytes→bytes codecs after <c>bytes</c> (v2: the compressor, at most one; sharded v3:
/// the inner chunks' codecs). <see cref="Attributes"/> are user attributes; dimension names live in
/// <see cref="DimensionNames"/> and become <c>_ARRAY_DIMENSIONS</c> (v2) or <c>dimension_names</c> (v3).
/// </summary>
public sealed record ZarrArrayMetadata(ZarrFormat Format, ImmutableArray<long> Shape, ImmutableArray<long> ChunkShape, DataType DataType)
{
    /// <summary>The xarray attribute that holds v2 dimension names.</summary>
    public const string ArrayDimensionsAttribute = "_ARRAY_DIMENSIONS";

    /// <summary>
    /// The v3 attribute that records the char dimension of a text array ("strlen=8": its name and length), so that
    /// Forge can read the fixed-width rows back; readers see only the strings.
    /// </summary>
    public const string CharDimensionAttribute = "_CharDimension";

    /// <summary>
    /// v3: a <see cref="DataType.Char"/> array stored as text (data type <c>string</c>, codec <c>vlen-utf8</c>), as
    /// zarr-python 3 and zarrita read it. Forge keeps the netCDF layout internally: the last dimension (strlen) holds
    /// each string's bytes; it is one chunk and is not a Zarr dimension (its name and length are in
    /// <see cref="CharDimensionAttribute"/>). A 0-d char array is one 1-byte string.
    /// </summary>
    public bool StoresText { get; init; }

    public ImmutableArray<long>? InnerChunkShape { get; init; }

    public ZarrFillValue FillValue { get; init; }

    public IReadOnlyList<IBytesToBytesCodec> Codecs { get; init; } = [];

    /// <summary>Array→array codecs before <c>bytes</c> (read from v3 stores; Forge writes none).</summary>
    public IReadOnlyList<IArrayToArrayCodec> ArrayCodecs { get; init; } = [];

    /// <summary>Byte order of stored elements (v2 dtype prefix, v3 <c>bytes</c> endian).</summary>
    public Endian Endian { get; init; } = Endian.Little;

    public ShardIndexLocation IndexLocation { get; init; } = ShardIndexLocation.End;

    /// <summary>Whether a shard index carries a crc32c (zarr-python's default).</summary>
    public bool IndexChecksum { get; init; } = true;

    public IReadOnlyList<string?>? DimensionNames { get; init; }

    public JsonObject Attributes { get; init; } = [];

    public ZarrChunkKeyEncoding? ChunkKeyEncodingOverride { get; init; }

    public ZarrChunkKeyEncoding ChunkKeyEncoding => ChunkKeyEncodingOverride ?? ZarrChunkKeyEncoding.DefaultFor(Format);

    public int Rank => Shape.Length;

    public bool IsSharded => InnerChunkShape is not null;

    /// <summary>Number of stored objects along each dimension (ceil(shape / chunk)).</summary>
    public long[] ChunkGridShape => Shape.Zip(ChunkShape, (s, c) => (s + c - 1) / c).ToArray();

    /// <summary>The chunk's key relative to the array ("0.1", "c/0/1").</summary>
    public string ChunkKey(ReadOnlySpan<long> chunkIndex) => ChunkKeyEncoding.Key(HasCharDimension ? chunkIndex[..^1] : chunkIndex);

    // A text array of rank >= 1: its last dimension is the char dimension, which Zarr does not see.
    private bool HasCharDimension => StoresText && Rank > 0;

    public ChunkSpec ChunkSpec => new([.. ChunkShape], DataType);

    /// <summary>Builds the codec pipeline that encodes one stored object (a chunk, or a whole shard).</summary>
    public CodecChain CreateCodecChain()
    {
        if (StoresText) return new CodecChain(ArrayCodecs, VlenUtf8Codec.Instance, Codecs);
        var bytes = Endian == Endian.Little ? BytesCodec.Little : new BytesCodec(Endian.Big);
        if (InnerChunkShape is not { } inner) return new CodecChain(ArrayCodecs, bytes, Codecs);
        var sharding = new ShardingCodec(inner, new CodecChain([], bytes, Codecs),
            IndexChecksum ? new CodecChain(Crc32cCodec.Instance) : new CodecChain(), IndexLocation, FillValue.ToElementBytes(DataType));
        return new CodecChain(ArrayCodecs, sharding, []);
    }

    /// <summary>Checks internal consistency; errors name <paramref name="key"/> and the field.</summary>
    public void Validate(string key)
    {
        if (Shape.IsDefault || ChunkShape.IsDefault) throw new ZarrMetadataException(key, "shape and chunk shape are required");
        if (ChunkShape.Length != Shape.Length)
            throw new ZarrMetadataException(key, $"chunk shape [{string.Join(", ", ChunkShape)}] has {ChunkShape.Length} dimensions but shape [{string.Join(", ", Shape)}] has {Shape.Length}");
        if (Shape.Any(s => s < 0)) throw new ZarrMetadataException(key, $"shape [{string.Join(", ", Shape)}] has a negative extent");
        if (ChunkShape.Any(c => c < 1)) throw new ZarrMetadataException(key, $"chunk shape [{string.Join(", ", ChunkShape)}] must be positive");
        if (DataType == DataType.String) throw new ZarrMetadataException(key, "variable-length strings are not supported");
        if (Format == ZarrFormat.V2 && Codecs.Count > 1) throw new ZarrMetadataException(key, $"Zarr v2 allows one compressor, got {Codecs.Count}");
        if (Format == ZarrFormat.V2 && Codecs.Any(c => c.ToV2Json() is null))
            throw new ZarrMetadataException(key, $"codec '{Codecs.First(c => c.ToV2Json() is null).Name}' has no Zarr v2 form");
        if (Format == ZarrFormat.V2 && (IsSharded || ArrayCodecs.Count > 0)) throw new ZarrMetadataException(key, "sharding and transpose need Zarr v3");
        if (InnerChunkShape is { } inner)
        {
            if (inner.Length != Rank || inner.Zip(ChunkShape).Any(p => p.First < 1 || p.Second % p.First != 0))
                throw new ZarrMetadataException(key, $"inner chunk shape [{string.Join(", ", inner)}] must divide the shard shape [{string.Join(", ", ChunkShape)}]");
        }

        if (DimensionNames is { } names && names.Count != Rank)
            throw new ZarrMetadataException(key, $"'dimension_names' has {names.Count} entries for {Rank} dimensions");
        if (StoresText)
        {
            if (Format != ZarrFormat.V3 || DataType != DataType.Char) throw new ZarrMetadataException(key, "only Zarr v3 char arrays are stored as text");
            if (IsSharded || ArrayCodecs.Count > 0) throw new ZarrMetadataException(key, "text arrays are not sharded or transposed");
            if (Rank > 0 && ChunkShape[^1] < Shape[^1])
                throw new ZarrMetadataException(key, $"the char dimension ({Shape[^1]} bytes) of a text array must be one chunk, not {ChunkShape[^1]}");
        }
    }

    /// <summary>The <c>.zarray</c> (v2) or <c>zarr.json</c> (v3) document.</summary>
    public JsonObject ToJson()
    {
        Validate(Format == ZarrFormat.V2 ? ".zarray" : "zarr.json");
        return Format == ZarrFormat.V2 ? ToV2Json() : ToV3Json();
    }

    private JsonObject ToV2Json()
    {
        var o = new JsonObject
        {
            ["chunks"] = LongArray(ChunkShape),
            ["compressor"] = Codecs.Count == 0 ? null : Codecs[0].ToV2Json(),
            ["dtype"] = ZarrDataTypes.ToV2(DataType, Endian),
            ["fill_value"] = FillValue.ToJson(DataType, Format),
            ["filters"] = null,
            ["order"] = "C",
            ["shape"] = LongArray(Shape),
            ["zarr_format"] = 2,
        };
        if (ChunkKeyEncoding.Separator != '.') o["dimension_separator"] = ChunkKeyEncoding.Separator.ToString();
        return o;
    }

    /// <summary>The v2 <c>.zattrs</c> document: <see cref="Attributes"/> plus <c>_ARRAY_DIMENSIONS</c>.</summary>
    public JsonObject ToV2AttributesJson()
    {
        var o = (JsonObject)Attributes.DeepClone();
        if (DimensionNames is { } names) o[ArrayDimensionsAttribute] = new JsonArray([.. names.Select(n => (JsonNode?)n)]);
        return o;
    }

    private JsonObject ToV3Json()
    {
        if (StoresText) return ToV3TextJson();
        var o = new JsonObject
        {
            ["zarr_format"] = 3,
            ["node_type"] = "array",
            ["shape"] = LongArray(Shape),
            ["data_type"] = DataType.ZarrV3Name(),
            ["chunk_grid"] = new JsonObject { ["name"] = "regular", ["configuration"] = new JsonObject { ["chunk_shape"] = LongArray(ChunkShape) } },
            ["chunk_key_encoding"] = ChunkKeyEncoding.ToV3Json(),
            ["fill_value"] = FillValue.ToJson(DataType, Format),
            ["codecs"] = CreateCodecChain().ToV3Json(),
            ["attributes"] = Attributes.DeepClone(),
        };
        if (DimensionNames is { } names) o["dimension_names"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]);
        return o;
    }

    // A text array: the char dimension leaves shape, chunk shape and dimension names, and is recorded in an attribute.
    private JsonObject ToV3TextJson()
    {
        var attributes = (JsonObject)Attributes.DeepClone();
        var rank = HasCharDimension ? Rank - 1 : Rank;
        if (HasCharDimension) attributes[CharDimensionAttribute] = $"{DimensionNames?[^1]}={Shape[^1]}";
        var o = new JsonObject
        {
            ["zarr_format"] = 3,
            ["node_type"] = "array",
            ["shape"] = LongArray(Shape.Take(rank)),
            ["data_type"] = "string",
            ["chunk_grid"] = new JsonObject { ["name"] = "regular", ["configuration"] = new JsonObject { ["chunk_shape"] = LongArray(ChunkShape.Take(rank)) } },
            ["chunk_key_encoding"] = ChunkKeyEncoding.ToV3Json(),
            ["fill_value"] = "",
            ["codecs"] = CreateCodecChain().ToV3Json(),
            ["attributes"] = attributes,
        };
        if (DimensionNames is { } names) o["dimension_names"] = new JsonArray([.. names.Take(rank).Select(n => (JsonNode?)n)]);
        return o;
    }

    private static JsonArray LongArray(IEnumerable<long> values) => new([.. values.Select(v => (JsonNode)v)]);

    /// <summary>
    /// Parses a <c>.zarray</c> (with its optional <c>.zattrs</c>) or a <c>zarr.json</c>. <paramref name="key"/> is the
    /// document's store key, used in every error.
    /// </summary>
    public static ZarrArrayMetadata Parse(string json, string key, string? attributesJson = null, CodecRegistry? registry = null)
    {
        var doc = ZarrJson.ParseObject(Encoding.UTF8.GetBytes(json), key);
        var attrs = attributesJson is null ? null : ZarrJson.ParseObject(Encoding.UTF8.GetBytes(attributesJson), key.EndsWith(".zarray", StringComparison.Ordinal) ? key[..^".zarray".Length] + ".zattrs" : key);
        return Parse(doc, key, attrs, registry);
    }

    /// <summary>Parses an already-parsed document (as found inside consolidated metadata).</summary>
    public static ZarrArrayMetadata Parse(JsonObject doc, string key, JsonObject? attributes = null, CodecRegistry? registry = null)
    {
        registry ??= CodecRegistry.Default;
        var format = doc["zarr_format"] is JsonValue fv && fv.TryGetValue<int>(out var f) ? f
            : throw new ZarrMetadataException(key, $"'zarr_format' must be 2 or 3, not {doc["zarr_format"]?.ToJsonString() ?? "missing"}");
        try
        {
            var meta = format switch
            {
                2 => ParseV2(doc, key, attributes, registry),
                3 => ParseV3(doc, key, registry),
                _ => throw new ZarrMetadataException(key, $"'zarr_format' must be 2 or 3, not {f}"),
            };
            meta.Validate(key);
            return meta;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            // A field of the wrong JSON kind (an object where a string belongs, 1E0 where an integer belongs) found by
            // fuzzing: System.Text.Json's typed getters throw these; the document is what is wrong, so say so.
            throw new ZarrMetadataException(key, "is not valid Zarr metadata: a field has the wrong JSON type or an out-of-range value", e);
        }
    }

    private static ZarrArrayMetadata ParseV2(JsonObject doc, string key, JsonObject? attributes, CodecRegistry registry)
    {
        var shape = Longs(doc, "shape", key);
        var chunks = Longs(doc, "chunks", key);
        var (type, endian) = ZarrDataTypes.ParseV2(String(doc, "dtype", key), key);
        if (!doc.ContainsKey("fill_value")) throw new ZarrMetadataException(key, "'fill_value' is required");
        var order = doc["order"] is JsonValue ov && ov.TryGetValue<string>(out var os) ? os : throw new ZarrMetadataException(key, "'order' must be \"C\" or \"F\"");
        if (order != "C") throw new ZarrMetadataException(key, $"'order' \"{order}\" is not supported (only \"C\")");
        if (doc["filters"] is JsonArray { Count: > 0 } filters)
            throw new ZarrMetadataException(key, $"'filters' {filters.ToJsonString()} are not supported");
        var codecs = new List<IBytesToBytesCodec>();
        if (doc["compressor"] is JsonObject compressor)
        {
            try
            {
                codecs.Add(registry.CreateFromV2(compressor, type));
            }
            catch (CodecException e)
            {
                throw new ZarrMetadataException(key, $"'compressor': {e.Message}", e);
            }
        }
        else if (doc["compressor"] is not null)
        {
            throw new ZarrMetadataException(key, $"'compressor' must be an object or null, not {doc["compressor"]!.ToJsonString()}");
        }

        var separator = doc["dimension_separator"] is JsonValue sv && sv.TryGetValue<string>(out var sep) ? sep : ".";
        if (separator is not ("." or "/")) throw new ZarrMetadataException(key, $"'dimension_separator' must be \".\" or \"/\", not \"{separator}\"");
        var attrs = attributes is null ? [] : (JsonObject)attributes.DeepClone();
        IReadOnlyList<string?>? dims = null;
        if (attrs[ArrayDimensionsAttribute] is JsonArray dimArray)
        {
            dims = dimArray.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToArray();
            attrs.Remove(ArrayDimensionsAttribute);
        }

        return new ZarrArrayMetadata(ZarrFormat.V2, [.. shape], [.. chunks], type)
        {
            FillValue = ZarrFillValue.Parse(doc["fill_value"], type, ZarrFormat.V2, key),
            Codecs = codecs,
            Endian = endian,
            DimensionNames = dims,
            Attributes = attrs,
            ChunkKeyEncodingOverride = separator == "." ? null : new ZarrChunkKeyEncoding("v2", '/'),
        };
    }

    private static ZarrArrayMetadata ParseV3(JsonObject doc, string key, CodecRegistry registry)
    {
        if (String(doc, "node_type", key) != "array") throw new ZarrMetadataException(key, "'node_type' is not \"array\"");
        var shape = Longs(doc, "shape", key);
        var dataTypeName = String(doc, "data_type", key);
        var text = dataTypeName == "string";
        var type = text ? DataType.Char : ZarrDataTypes.ParseV3(dataTypeName, key);
        if (doc["chunk_grid"] is not JsonObject grid || !(grid["name"] is JsonValue gridName && gridName.TryGetValue<string>(out var gridNameText) && gridNameText == "regular") || grid["configuration"]?["chunk_shape"] is not JsonArray)
            throw new ZarrMetadataException(key, $"'chunk_grid' must be {{\"name\":\"regular\",\"configuration\":{{\"chunk_shape\":[...]}}}}, not {doc["chunk_grid"]?.ToJsonString() ?? "missing"}");
        var chunks = Longs((JsonObject)grid["configuration"]!, "chunk_shape", key);
        var encoding = ZarrChunkKeyEncoding.ParseV3(doc["chunk_key_encoding"], key);
        if (!doc.ContainsKey("fill_value")) throw new ZarrMetadataException(key, "'fill_value' is required");
        ZarrFillValue fill;
        if (!text)
            fill = ZarrFillValue.Parse(doc["fill_value"], type, ZarrFormat.V3, key);
        else if (doc["fill_value"] is JsonValue fv && fv.TryGetValue<string>(out var fillText) && fillText.Length == 0)
            fill = ZarrFillValue.FromInteger(0); // text is padded with NULs, which read as the empty string
        else
            throw new ZarrMetadataException(key, $"'fill_value' {doc["fill_value"]?.ToJsonString() ?? "null"} of a string array is not supported (only \"\")");
        foreach (var (name, value) in doc)
        {
            if (name is "zarr_format" or "node_type" or "shape" or "data_type" or "chunk_grid" or "chunk_key_encoding" or "fill_value"
                or "codecs" or "attributes" or "dimension_names" or "storage_transformers") continue;
            if (value is JsonObject ext && ext["must_understand"] is JsonValue mu && mu.TryGetValue<bool>(out var must) && !must) continue;
            throw new ZarrMetadataException(key, $"unknown field '{name}' without \"must_understand\": false");
        }

        if (doc["storage_transformers"] is JsonArray { Count: > 0 }) throw new ZarrMetadataException(key, "'storage_transformers' are not supported");
        if (doc["codecs"] is not JsonArray { Count: > 0 } codecsJson) throw new ZarrMetadataException(key, "'codecs' must be a non-empty array");
        CodecChain chain;
        try
        {
            chain = registry.ParseChain(codecsJson, type, fill.ToElementBytes(type));
        }
        catch (CodecException e)
        {
            throw new ZarrMetadataException(key, $"'codecs': {e.Message}", e);
        }

        var meta = new ZarrArrayMetadata(ZarrFormat.V3, [.. shape], [.. chunks], type)
        {
            FillValue = fill,
            ChunkKeyEncodingOverride = encoding == ZarrChunkKeyEncoding.V3Default ? null : encoding,
            ArrayCodecs = chain.ArrayToArray,
            Attributes = doc["attributes"] is JsonObject a ? (JsonObject)a.DeepClone() : [],
            DimensionNames = doc["dimension_names"] switch
            {
                null => null,
                JsonArray names => names.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToArray(),
                var other => throw new ZarrMetadataException(key, $"'dimension_names' must be an array, not {other.ToJsonString()}"),
            },
        };
        if (text != chain.ArrayToBytes is VlenUtf8Codec)
            throw new ZarrMetadataException(key, text ? "'codecs': a string array needs the vlen-utf8 codec" : $"'codecs': vlen-utf8 needs the string data type, not {dataTypeName}");
        switch (chain.ArrayToBytes)
        {
            case VlenUtf8Codec:
                return WithCharDimension(meta with { StoresText = true, Codecs = chain.BytesToBytes }, key);
            case BytesCodec bytes:
                return meta with { Endian = bytes.Endian, Codecs = chain.BytesToBytes };
            case ShardingCodec sharding:
                if (chain.BytesToBytes.Count > 0 || sharding.InnerCodecs.ArrayToArray.Count > 0 || sharding.InnerCodecs.ArrayToBytes is not BytesCodec innerBytes)
                    throw new ZarrMetadataException(key, "'codecs': only sharding_indexed with inner [bytes, bytes→bytes codecs...] and nothing after it is supported");
                var index = sharding.IndexCodecs;
                if (index.ArrayToArray.Count > 0 || index.ArrayToBytes is not BytesCodec { Endian: Endian.Little } || index.BytesToBytes.Any(c => c is not Crc32cCodec))
                    throw new ZarrMetadataException(key, "'codecs': sharding index_codecs must be [bytes(little)] or [bytes(little), crc32c]");
                return meta with
                {
                    InnerChunkShape = sharding.InnerChunkShape,
                    Endian = innerBytes.Endian,
                    Codecs = sharding.InnerCodecs.BytesToBytes,
                    IndexLocation = sharding.IndexLocation,
                    IndexChecksum = index.BytesToBytes.Count > 0,
                };
            default:
                throw new ZarrMetadataException(key, $"'codecs': array→bytes codec '{chain.ArrayToBytes.Name}' is not supported");
        }
    }

    // A "string" array Forge wrote from char data: the char dimension comes back from its attribute.
    private static ZarrArrayMetadata WithCharDimension(ZarrArrayMetadata meta, string key)
    {
        if (meta.Attributes[CharDimensionAttribute] is not JsonValue cd || !cd.TryGetValue<string>(out var charDim))
        {
            if (meta.Rank == 0) return meta;
            throw new ZarrMetadataException(key, $"string arrays are read only as Forge writes them (from char data, with a '{CharDimensionAttribute}' attribute)");
        }

        var eq = charDim.LastIndexOf('=');
        if (eq < 0 || !long.TryParse(charDim.AsSpan(eq + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var width) || width > int.MaxValue)
            throw new ZarrMetadataException(key, $"'{CharDimensionAttribute}' \"{charDim}\" is not NAME=LENGTH");
        var attributes = (JsonObject)meta.Attributes.DeepClone();
        attributes.Remove(CharDimensionAttribute);
        return meta with
        {
            Shape = meta.Shape.Add(width),
            ChunkShape = meta.ChunkShape.Add(Math.Max(1, width)),
            DimensionNames = meta.DimensionNames is { } dims ? [.. dims, charDim[..eq]] : null,
            Attributes = attributes,
        };
    }

    private static string String(JsonObject doc, string field, string key) =>
        doc[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new ZarrMetadataException(key, $"'{field}' must be a string, not {doc[field]?.ToJsonString() ?? "missing"}");

    private static long[] Longs(JsonObject doc, string field, string key)
    {
        if (doc[field] is not JsonArray a) throw new ZarrMetadataException(key, $"'{field}' must be an array of integers, not {doc[field]?.ToJsonString() ?? "missing"}");
        return a.Select(n => n is JsonValue v && v.TryGetValue<long>(out var l) ? l
            : n is JsonValue d && d.TryGetValue<double>(out var x) && x == Math.Floor(x) ? (long)x
            : throw new ZarrMetadataException(key, $"'{field}' entry {n?.ToJsonString() ?? "null"} is not an integer")).ToArray();
    }
}
