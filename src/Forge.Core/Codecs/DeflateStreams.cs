using System.IO.Compression;

namespace Forge.Core.Codecs;

/// <summary>Shared stream plumbing for the gzip and zlib codecs, on pooled buffers.</summary>
internal static class DeflateStreams
{
    // .NET writes no header for an empty input; these are the streams zlib/gzip write for zero bytes.
    public static readonly byte[] EmptyGzip = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    public static readonly byte[] EmptyZlib = [0x78, 0x9C, 0x03, 0, 0, 0, 0, 0x01];

    /// <summary>
    /// Compresses into one exact-size buffer of the codec's output bound (<see cref="OutputBound"/>), so the engine
    /// charges what is really allocated (no doubling, no power-of-two rounding from 1 MiB up); pages of the bound
    /// that deflate does not reach are never touched, so they are not resident either.
    /// </summary>
    public static PooledBuffer Compress(ReadOnlySpan<byte> input, Func<Stream, Stream> wrap, byte[] emptyStream)
    {
        if (input.IsEmpty) return PooledBuffer.CopyOf(emptyStream);
        var output = PooledBuffer.Rent(OutputBound(input.Length));
        try
        {
            var sink = new BoundedWriteStream(output.Memory);
            using (var z = wrap(sink)) z.Write(input);
            output.Truncate(sink.Written);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The largest gzip or zlib stream of <paramref name="length"/> bytes. zlib-ng's level 1 (deflate_quick, what
    /// .NET uses) codes incompressible bytes with the static Huffman code instead of stored blocks: up to 9 bits per
    /// byte, so 1/8 more, plus block, header and trailer bytes (1 KiB covers them). The planner charges the same
    /// bound for every encoded object.
    /// </summary>
    public static long OutputBound(long length) => length + (length / 8) + 1024;

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

    /// <summary>A write-only stream over a fixed buffer; writing past its end is a bug in <see cref="OutputBound"/>.</summary>
    private sealed class BoundedWriteStream(Memory<byte> buffer) : Stream
    {
        public int Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> data)
        {
            if (Written + (long)data.Length > buffer.Length)
                throw new InvalidOperationException($"compressed stream exceeds its bound of {buffer.Length} bytes");
            data.CopyTo(buffer.Span[Written..]);
            Written += data.Length;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
