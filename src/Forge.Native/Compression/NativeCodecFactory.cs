using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;

namespace Forge.Native.Compression;

/// <summary>Creates the libzstd/libblosc codecs for <see cref="CodecRegistry"/> from v3 configurations or v2 numcodecs objects.</summary>
public sealed class NativeCodecFactory : IBytesCodecFactory
{
    public static readonly NativeCodecFactory Instance = new();

    /// <summary>Registers the native codecs in <see cref="CodecRegistry.Default"/> (idempotent).</summary>
    public static void RegisterDefault() => CodecRegistry.Default.Register(Instance);

    public IReadOnlyCollection<string> Names { get; } = ["zstd", "blosc"];

    public IBytesToBytesCodec Create(string name, JsonObject? configuration, DataType dataType) => name switch
    {
        "zstd" => new ZstdCodec(CodecJson.GetInt(configuration, name, "level", 0), CodecJson.GetBool(configuration, name, "checksum", false)),
        "blosc" => CreateBlosc(configuration, dataType),
        _ => throw new CodecException(name, "is not a native codec"),
    };

    private static BloscCodec CreateBlosc(JsonObject? c, DataType dataType)
    {
        const string name = "blosc";
        var typesize = CodecJson.GetInt(c, name, "typesize", Math.Max(1, dataType.ElementSize()));
        var shuffle = c?["shuffle"] switch
        {
            null => BloscShuffle.Shuffle,
            JsonValue v when v.TryGetValue<string>(out var s) => s switch
            {
                "noshuffle" => BloscShuffle.NoShuffle,
                "shuffle" => BloscShuffle.Shuffle,
                "bitshuffle" => BloscShuffle.BitShuffle,
                _ => throw new CodecException(name, $"shuffle must be noshuffle, shuffle or bitshuffle, not \"{s}\""),
            },
            // numcodecs AUTOSHUFFLE (-1): bit shuffle for 1-byte types, byte shuffle otherwise.
            _ => CodecJson.GetInt(c, name, "shuffle") switch
            {
                -1 => typesize == 1 ? BloscShuffle.BitShuffle : BloscShuffle.Shuffle,
                0 => BloscShuffle.NoShuffle,
                1 => BloscShuffle.Shuffle,
                2 => BloscShuffle.BitShuffle,
                var i => throw new CodecException(name, $"shuffle must be -1, 0, 1 or 2, not {i}"),
            },
        };
        return new BloscCodec(
            CodecJson.GetString(c, name, "cname", "lz4"),
            CodecJson.GetInt(c, name, "clevel", 5),
            shuffle,
            typesize,
            CodecJson.GetInt(c, name, "blocksize", 0));
    }
}
