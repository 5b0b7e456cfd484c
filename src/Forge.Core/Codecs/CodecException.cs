using Forge.Core.Datasets;

namespace Forge.Core.Codecs;

/// <summary>A chunk could not be encoded or decoded; the message starts with the codec's name ("crc32c: ...").</summary>
public sealed class CodecException : DataException
{
    public CodecException(string codec, string message) : base($"{codec}: {message}") => Codec = codec;

    public CodecException(string codec, string message, Exception inner) : base($"{codec}: {message}", inner) => Codec = codec;

    /// <summary>The codec's Zarr name.</summary>
    public string Codec { get; } = "";
}
