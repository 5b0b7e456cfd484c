using System.Buffers;

namespace Forge.Core.Storage;

/// <summary>An exact-length byte buffer rented from <see cref="ArrayPool{T}.Shared"/>; disposing returns it to the pool.</summary>
public sealed class StoreBuffer : IMemoryOwner<byte>
{
    private byte[]? _array;
    private readonly int _length;

    private StoreBuffer(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>Rents a buffer whose <see cref="Memory"/> is exactly <paramref name="length"/> bytes long (contents undefined).</summary>
    public static StoreBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new StoreBuffer(length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length), length);
    }

    /// <summary>Rents a buffer holding a copy of <paramref name="source"/>.</summary>
    public static StoreBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = Rent(source.Length);
        source.CopyTo(buffer.Memory.Span);
        return buffer;
    }

    public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(StoreBuffer))).AsMemory(0, _length);

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 }) ArrayPool<byte>.Shared.Return(array);
    }
}
