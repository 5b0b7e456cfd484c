using Forge.Core.Sources;

namespace Forge.Formats.Remote;

/// <summary>
/// A read-only, seekable stream over a range-read input, for parsers written against streams. Synchronous reads
/// wait for the range request (header parsing runs off the request path; the block cache serves most reads).
/// </summary>
internal sealed class RangeStream(IRandomAccessInput input, CancellationToken ct) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => input.Length;

    public override long Position
    {
        get => _position;
        set => _position = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, Math.Max(0, Length - _position));
        if (n == 0) return 0;
        var temp = new byte[n];
        input.ReadAsync(_position, temp, ct).AsTask().GetAwaiter().GetResult();
        temp.CopyTo(buffer);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = (int)Math.Min(buffer.Length, Math.Max(0, Length - _position));
        if (n == 0) return 0;
        await input.ReadAsync(_position, buffer[..n], cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

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
}
