using System.Buffers;

namespace Forge.Core.Codecs;

/// <summary>A write-only stream over pooled arrays, for stream-based compressors; <see cref="Detach"/> hands the bytes over.</summary>
internal sealed class PooledWriteStream : Stream
{
    private byte[] _buffer;
    private int _length;

    public PooledWriteStream(long capacityHint) =>
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(capacityHint, 256, Array.MaxLength));

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_length + (long)buffer.Length > _buffer.Length) Grow(_length + (long)buffer.Length);
        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    private void Grow(long needed)
    {
        if (needed > Array.MaxLength) throw new InvalidOperationException("encoded chunk exceeds 2 GiB");
        var next = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, _buffer.Length * 2L)));
        _buffer.AsSpan(0, _length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    /// <summary>Transfers the written bytes to a <see cref="PooledBuffer"/>; the stream is empty afterwards.</summary>
    public PooledBuffer Detach()
    {
        var result = PooledBuffer.Adopt(_buffer, _length);
        _buffer = [];
        _length = 0;
        return result;
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        base.Dispose(disposing);
    }
}
