using System.Buffers;

namespace Forge.Core.Codecs;

/// <summary>An exact-length buffer rented from <see cref="ArrayPool{T}.Shared"/>; disposing returns it.</summary>
public sealed class PooledBuffer : IMemoryOwner<byte>
{
    private byte[]? _array;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; private set; }

    public Memory<byte> Memory => _array is { } a ? a.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(PooledBuffer));

    public Span<byte> Span => Memory.Span;

    /// <summary>Rents a buffer of exactly <paramref name="length"/> bytes (contents undefined).</summary>
    public static PooledBuffer Rent(long length)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, "a chunk must be between 0 and 2 GiB");
        return new PooledBuffer(ArrayPool<byte>.Shared.Rent((int)length), (int)length);
    }

    /// <summary>A pooled copy of <paramref name="data"/>.</summary>
    public static PooledBuffer CopyOf(ReadOnlySpan<byte> data)
    {
        var buffer = Rent(data.Length);
        data.CopyTo(buffer.Span);
        return buffer;
    }

    /// <summary>Wraps an already rented array; ownership passes to the buffer.</summary>
    internal static PooledBuffer Adopt(byte[] rented, int length) => new(rented, length);

    /// <summary>Shortens the visible length (the rented array is unchanged).</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    public void Dispose()
    {
        var a = Interlocked.Exchange(ref _array, null);
        if (a is not null) ArrayPool<byte>.Shared.Return(a);
    }
}
