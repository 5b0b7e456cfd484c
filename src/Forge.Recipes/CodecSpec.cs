namespace Forge.Recipes;

/// <summary><c>target.codec</c>: the bytes-to-bytes compressor of each chunk. Closed hierarchy.</summary>
public abstract record CodecSpec
{
    private protected CodecSpec()
    {
    }

    /// <summary>The default codec: zstd level 3.</summary>
    public static readonly CodecSpec Default = new ZstdCodecSpec(ZstdCodecSpec.DefaultLevel);
}

/// <summary><c>zstd: { level }</c>, level 1-22 (default 3).</summary>
public sealed record ZstdCodecSpec(int Level) : CodecSpec
{
    public const int DefaultLevel = 3;
    public const int MinLevel = 1;
    public const int MaxLevel = 22;
}

/// <summary><c>gzip: { level }</c>, level 0-9 (default 5, as zarr-python).</summary>
public sealed record GzipCodecSpec(int Level) : CodecSpec
{
    public const int DefaultLevel = 5;
    public const int MinLevel = 0;
    public const int MaxLevel = 9;
}

/// <summary>Blosc's shuffle filter.</summary>
public enum BloscShuffle
{
    NoShuffle,
    Shuffle,
    BitShuffle,
}

/// <summary>
/// <c>blosc: { cname, clevel, shuffle, blocksize }</c>: cname lz4|lz4hc|zstd|zlib|blosclz (default zstd), clevel 0-9
/// (default 5), shuffle noshuffle|shuffle|bitshuffle (default shuffle), blocksize in bytes (default 0 = automatic).
/// </summary>
public sealed record BloscCodecSpec(string CName, int CLevel, BloscShuffle Shuffle, int BlockSize) : CodecSpec
{
    public const string DefaultCName = "zstd";
    public const int DefaultCLevel = 5;
    public static readonly IReadOnlyList<string> CNames = ["lz4", "lz4hc", "zstd", "zlib", "blosclz"];
}

/// <summary><c>none</c>: chunks are stored uncompressed.</summary>
public sealed record NoCodecSpec : CodecSpec;
