using System.IO.Compression;

namespace Forge.Core.Codecs;

/// <summary>Shared stream plumbing for the gzip and zlib codecs, on pooled buffers.</summary>
internal static class DeflateStreams
{
    public static PooledBuffer Compress(ReadOnlySpan<byte> input, Func<Stream, Stream> wrap)
    {
        using var output = new PooledWriteStream(input.Length / 2 + 64);
        using (var z = wrap(output)) z.Write(input);
        return output.Detach();
    }

    public static unsafe PooledBuffer Decompress(string codec, ReadOnlySpan<byte> input, long sizeHint, Func<Stream, Stream> wrap)
    {
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
