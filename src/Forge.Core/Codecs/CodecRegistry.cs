using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;

namespace Forge.Core.Codecs;

/// <summary>
/// Maps codec names to codecs, for v3 codec objects and v2 numcodecs compressor objects. Managed codecs (gzip,
/// zlib, crc32c) are built in; native ones (zstd, blosc) come from registered <see cref="IBytesCodecFactory"/>s.
/// </summary>
public sealed class CodecRegistry
{
    private readonly ConcurrentDictionary<string, IBytesCodecFactory> _factories = new(StringComparer.Ordinal);

    /// <summary>The process-wide registry; Forge.Native registers its factory here at startup.</summary>
    public static CodecRegistry Default { get; } = new();

    /// <summary>Adds a factory for every name it declares (a later registration replaces an earlier one).</summary>
    public CodecRegistry Register(IBytesCodecFactory factory)
    {
        foreach (var name in factory.Names) _factories[name] = factory;
        return this;
    }

    /// <summary>Names of every bytes→bytes codec this registry can create.</summary>
    public IReadOnlyCollection<string> Names => ["gzip", "numcodecs.zlib", "zlib", "crc32c", .. _factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Creates a bytes→bytes codec from its v3 name and configuration.</summary>
    public IBytesToBytesCodec CreateBytesToBytes(string name, JsonObject? configuration, DataType dataType) => name switch
    {
        "gzip" => new GzipCodec(CodecJson.GetInt(configuration, name, "level", 5)),
        "zlib" or "numcodecs.zlib" => new ZlibCodec(CodecJson.GetInt(configuration, "zlib", "level", 1)),
        "crc32c" => Crc32cCodec.Instance,
        _ when _factories.TryGetValue(name, out var f) => f.Create(name, configuration, dataType),
        _ => throw new CodecException(name, $"unknown codec (known: {string.Join(", ", Names)})"),
    };

    /// <summary>Creates a codec from a v2 numcodecs object such as {"id":"blosc","cname":"lz4",...}.</summary>
    public IBytesToBytesCodec CreateFromV2(JsonObject compressor, DataType dataType)
    {
        var id = compressor["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new CodecException("compressor", $"numcodecs object has no string 'id': {compressor.ToJsonString()}");
        var configuration = new JsonObject();
        foreach (var (key, value) in compressor)
            if (key != "id") configuration[key] = value?.DeepClone();
        return id switch
        {
            "crc32c" => throw new CodecException(id, "is not a Zarr v2 compressor"),
            _ => CreateBytesToBytes(id, configuration, dataType),
        };
    }

    /// <summary>
    /// Parses a v3 <c>codecs</c> array into a chain. <paramref name="fillElement"/> is one element of the array's fill
    /// value, which sharding needs to recognise empty inner chunks.
    /// </summary>
    public CodecChain ParseChain(JsonArray codecs, DataType dataType, ReadOnlySpan<byte> fillElement)
    {
        var a2a = new List<IArrayToArrayCodec>();
        IArrayToBytesCodec? a2b = null;
        var b2b = new List<IBytesToBytesCodec>();
        foreach (var node in codecs)
        {
            var (name, configuration) = NameAndConfiguration(node);
            switch (name)
            {
                case "transpose":
                    if (a2b is not null) throw new CodecException(name, "an array→array codec must come before the array→bytes codec");
                    a2a.Add(TransposeCodec.FromJson(configuration));
                    break;
                case "bytes":
                case "sharding_indexed":
                case "vlen-utf8":
                    if (a2b is not null) throw new CodecException(name, $"a chain has exactly one array→bytes codec, found '{a2b.Name}' and '{name}'");
                    a2b = name switch
                    {
                        "bytes" => BytesCodec.FromJson(configuration),
                        "vlen-utf8" => VlenUtf8Codec.Instance,
                        _ => ParseSharding(configuration, dataType, fillElement),
                    };
                    break;
                default:
                    if (a2b is null) throw new CodecException(name, "a bytes→bytes codec must come after the array→bytes codec");
                    b2b.Add(CreateBytesToBytes(name, configuration, dataType));
                    break;
            }
        }

        return new CodecChain(a2a, a2b ?? throw new CodecException("codecs", "the chain has no array→bytes codec (\"bytes\" or \"sharding_indexed\")"), b2b);
    }

    private ShardingCodec ParseSharding(JsonObject? configuration, DataType dataType, ReadOnlySpan<byte> fillElement)
    {
        const string name = "sharding_indexed";
        if (configuration?["chunk_shape"] is not JsonArray shape) throw new CodecException(name, "configuration is missing the 'chunk_shape' array");
        if (configuration["codecs"] is not JsonArray inner) throw new CodecException(name, "configuration is missing the 'codecs' array");
        var index = configuration["index_codecs"] as JsonArray;
        var location = CodecJson.GetString(configuration, name, "index_location", "end") switch
        {
            "end" => ShardIndexLocation.End,
            "start" => ShardIndexLocation.Start,
            var other => throw new CodecException(name, $"index_location must be \"end\" or \"start\", not \"{other}\""),
        };
        var innerShape = shape.Select(n => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : throw new CodecException(name, $"chunk_shape entry {n?.ToJsonString()} is not an integer")).ToArray();
        return new ShardingCodec(innerShape, ParseChain(inner, dataType, fillElement), index is null ? null : ParseChain(index, DataType.UInt64, new byte[8]), location, fillElement);
    }

    /// <summary>Splits a v3 codec entry (object or short-hand string) into name and configuration.</summary>
    public static (string Name, JsonObject? Configuration) NameAndConfiguration(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var shortName)) return (shortName, null);
        if (node is not JsonObject o || o["name"] is not JsonValue nv || !nv.TryGetValue<string>(out var name))
            throw new CodecException("codecs", $"entry {node?.ToJsonString() ?? "null"} is not a codec object with a string 'name'");
        return o["configuration"] switch
        {
            null => (name, null),
            JsonObject c => (name, c),
            var other => throw new CodecException(name, $"'configuration' must be an object, not {other.ToJsonString()}"),
        };
    }
}
