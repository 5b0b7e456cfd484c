using System.IO.Compression;

namespace Forge.Core.Codecs;

/// <summary>Shared stream plumbing for the gzip and zlib codecs, on pooled buffers.</summary>
internal static class DeflateStreams
{
    // .NET writes no header for an empty input; these are the streams zlib/gzip write for zero bytes.
    public static readonly byte[] EmptyGzip = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    public static readonly byte[] EmptyZlib = [0x78, 0x9C, 0x03, 0, 0, 0, 0, 0x01];

    public static PooledBuffer Compress(ReadOnlySpan<byte> input, Func<Stream, Stream> wrap, byte[] emptyStream)
    {
        if (input.IsEmpty) return PooledBuffer.CopyOf(emptyStream);
        using var output = new PooledWriteStream(input.Length / 2 + 64);
        using (var z = wrap(output)) z.Write(input);
        return output.Detach();
    }

    public static unsafe PooledBuffer Decompress(string codec, ReadOnlySpan<byte> input, long sizeHint, Func<Stream, Stream> wrap)
    {
        if (input.IsEmpty) throw new CodecException(codec, "empty input is not a compressed stream");
        using var output = new PooledWriteStream(sizeHint);
        try
        {
            fixed (byte* p = input)
            {
                using var source = new UnmanagedMemoryStream(p, input.Length);
                using var z = wrap(source);
                z.CopyTo(output);
            }
        }
        catch (InvalidDataException e)
        {
            throw new CodecException(codec, $"corrupt or truncated stream ({input.Length} bytes): {e.Message}", e);
        }

        return output.Detach();
    }
}
