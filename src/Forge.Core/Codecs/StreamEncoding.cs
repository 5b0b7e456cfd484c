namespace Forge.Core.Codecs;

/// <summary>
/// Which codec chains can encode an object as its bytes arrive (docs/engine.md, "stream"): no array→array codec, a
/// <c>bytes</c> codec that only copies (native little-endian order), then no compressor (the raw bytes are the
/// object) or one <see cref="IStreamingBytesCodec"/> that streams an object of that size.
/// </summary>
public static class StreamEncoding
{
    /// <summary>True when an object of <paramref name="objectBytes"/> can stream through <paramref name="chain"/>; <paramref name="encoder"/> is null for raw bytes.</summary>
    public static bool TryCreate(CodecChain chain, long objectBytes, out IBytesStreamEncoder? encoder)
    {
        encoder = null;
        if (chain.ArrayToArray.Count > 0 || chain.ArrayToBytes is not BytesCodec { IsIdentity: true }) return false;
        return TryCreate(chain.BytesToBytes, objectBytes, out encoder);
    }

    /// <summary>As <see cref="TryCreate(CodecChain, long, out IBytesStreamEncoder?)"/> for the bytes→bytes codecs after an identity <c>bytes</c> codec.</summary>
    public static bool TryCreate(IReadOnlyList<IBytesToBytesCodec> codecs, long objectBytes, out IBytesStreamEncoder? encoder)
    {
        encoder = null;
        if (codecs.Count == 0) return true;
        if (codecs.Count > 1 || codecs[0] is not IStreamingBytesCodec streaming) return false;
        encoder = streaming.CreateStreamEncoder(objectBytes);
        return encoder is not null;
    }

    /// <summary>
    /// Memory one streamed object holds in its encoder between appends, plus (apart, once) the scratch of a compressing
    /// encoder: 0 for raw bytes; null when it cannot stream.
    /// </summary>
    public static (long Held, long Scratch)? Memory(IReadOnlyList<IBytesToBytesCodec> codecs, long objectBytes)
    {
        if (!TryCreate(codecs, objectBytes, out var encoder)) return null;
        if (encoder is null) return (0, 0);
        encoder.Dispose();
        var streaming = (IStreamingBytesCodec)codecs[0];
        return (streaming.StreamEncoderBytes(objectBytes), streaming.StreamScratchBytes(objectBytes));
    }
}
