namespace Forge.Core.Codecs;

/// <summary>
/// A bytes→bytes codec that can encode an object whose decoded bytes arrive in order, a block at a time, into
/// exactly the bytes <see cref="IBytesToBytesCodec.Encode"/> writes for the whole object (the store is the same
/// whichever path wrote it).
/// </summary>
public interface IStreamingBytesCodec
{
    /// <summary>An encoder for one object of <paramref name="decodedBytes"/>; null when that size is encoded whole (too small to stream).</summary>
    IBytesStreamEncoder? CreateStreamEncoder(long decodedBytes);

    /// <summary>Memory one open encoder of an object of <paramref name="decodedBytes"/> holds between appends (its block buffer), for the memory account.</summary>
    long StreamEncoderBytes(long decodedBytes);

    /// <summary>Scratch memory while one such encoder compresses (once per encoding thread, not per open encoder).</summary>
    long StreamScratchBytes(long decodedBytes);
}

/// <summary>Encodes one object from its decoded bytes in order; the encoded bytes go to an <see cref="IEncodedSink"/> as they are made.</summary>
public interface IBytesStreamEncoder : IDisposable
{
    /// <summary>Appends the next decoded bytes of the object.</summary>
    void Append(ReadOnlySpan<byte> decoded, IEncodedSink sink);

    /// <summary>After the object's last byte: completes the encoding; the sink then holds exactly the encoded object.</summary>
    void Finish(IEncodedSink sink);
}

/// <summary>
/// Where a streamed encoder writes: a growing byte sequence (a file). The encoder reserves a header with
/// <see cref="Reserve"/>, appends the body in order, and writes the header over the reserved bytes last.
/// </summary>
public interface IEncodedSink
{
    /// <summary>Bytes written so far.</summary>
    long Length { get; }

    /// <summary>Appends <paramref name="count"/> zero bytes to be overwritten later with <see cref="WriteAt"/> (a header).</summary>
    void Reserve(int count);

    /// <summary>Appends encoded bytes.</summary>
    void Append(ReadOnlySpan<byte> encoded);

    /// <summary>Overwrites bytes already written (the reserved header, or anything when rewriting).</summary>
    void WriteAt(long offset, ReadOnlySpan<byte> bytes);

    /// <summary>Reads back bytes already written.</summary>
    void ReadAt(long offset, Span<byte> destination);

    /// <summary>Cuts or extends the written bytes.</summary>
    void SetLength(long length);

    /// <summary>A second, empty sink beside this one (deleted when disposed), for an encoder that must rewrite its output.</summary>
    IScratchSink CreateScratch();
}

/// <summary>A temporary sink; disposing it deletes it.</summary>
public interface IScratchSink : IEncodedSink, IDisposable;
