using Microsoft.Win32.SafeHandles;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// A read-only, seekable stream over a sequence of segments, each either bytes in memory or a byte range of one
/// file: how a shard assembled on scratch is streamed to the store without being held whole.
/// </summary>
internal sealed class SegmentedReadStream : Stream
{
    private readonly SafeFileHandle? _file;
    private readonly Segment[] _segments;
    private readonly long[] _starts;
    private long _position;

    /// <param name="FileOffset">Where the segment starts in the file; negative when it is <paramref name="Memory"/>.</param>
    internal readonly record struct Segment(ReadOnlyMemory<byte> Memory, long FileOffset, long Length);

    public SegmentedReadStream(SafeFileHandle? file, IReadOnlyList<Segment> segments)
    {
        _file = file;
        _segments = [.. segments];
        _starts = new long[_segments.Length + 1];
        for (int i = 0; i < _segments.Length; i++)
        {
            if (_segments[i].FileOffset >= 0 && file is null) throw new ArgumentException("a file segment needs a file", nameof(file));
            _starts[i + 1] = _starts[i] + _segments[i].Length;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _starts[^1];

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var (segment, within, n) = Locate(buffer.Length);
        if (n == 0) return 0;
        var s = _segments[segment];
        int read = s.FileOffset < 0 ? Copy(s.Memory.Span.Slice((int)within, n), buffer) : RandomAccess.Read(_file!, buffer[..n], s.FileOffset + within);
        if (read == 0) throw new IOException("a shard's scratch file ended early");
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var (segment, within, n) = Locate(buffer.Length);
        if (n == 0) return 0;
        var s = _segments[segment];
        int read = s.FileOffset < 0
            ? Copy(s.Memory.Span.Slice((int)within, n), buffer.Span)
            : await RandomAccess.ReadAsync(_file!, buffer[..n], s.FileOffset + within, cancellationToken).ConfigureAwait(false);
        if (read == 0) throw new IOException("a shard's scratch file ended early");
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The segment holding the current position, the offset within it and how many bytes to read from it.</summary>
    private (int Segment, long Within, int Count) Locate(int wanted)
    {
        if (_position >= Length || wanted == 0) return (0, 0, 0);
        int i = Array.BinarySearch(_starts, _position);
        if (i < 0) i = ~i - 1;
        while (_segments[i].Length == 0) i++;
        long within = _position - _starts[i];
        return (i, within, (int)Math.Min(wanted, _segments[i].Length - within));
    }

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
    {
        from.CopyTo(to);
        return from.Length;
    }
}
