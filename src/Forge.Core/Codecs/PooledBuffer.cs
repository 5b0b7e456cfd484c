using System.Buffers;
using System.Runtime.InteropServices;

namespace Forge.Core.Codecs;

/// <summary>
/// An exact-length buffer; disposing releases it. Small buffers (under 1 MiB) are rented from
/// <see cref="ArrayPool{T}.Shared"/>; large ones are native memory of exactly the requested size, freed to the OS
/// on dispose, so that a pool keeping large arrays per thread never holds resident memory the engine's memory
/// account no longer counts (docs/engine.md).
/// </summary>
public sealed class PooledBuffer : IMemoryOwner<byte>
{
    /// <summary>Buffers from this size up are native memory rather than pooled arrays.</summary>
    public const int NativeThreshold = 1 << 20;

    private byte[]? _array;
    private NativeBlock? _native;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    private PooledBuffer(NativeBlock native, int length)
    {
        _native = native;
        Length = length;
    }

    public int Length { get; private set; }

    public Memory<byte> Memory => _array is { } a ? a.AsMemory(0, Length)
        : _native is { } n ? n.Memory[..Length]
        : throw new ObjectDisposedException(nameof(PooledBuffer));

    public Span<byte> Span => Memory.Span;

    /// <summary>Rents a buffer of exactly <paramref name="length"/> bytes (contents undefined).</summary>
    public static PooledBuffer Rent(long length)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, "a chunk must be between 0 and 2 GiB");
        if (length >= NativeThreshold) return new PooledBuffer(new NativeBlock((int)length), (int)length);
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

    /// <summary>Shortens the visible length (the rented memory is unchanged).</summary>
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
        Interlocked.Exchange(ref _native, null)?.Free();
    }

    /// <summary>Native memory exposed as <see cref="Memory{T}"/>.</summary>
    private sealed unsafe class NativeBlock : MemoryManager<byte>
    {
        private byte* _pointer;
        private readonly int _length;

        public NativeBlock(int length)
        {
            _length = length;
            _pointer = Execution.Memory.NativeHeap.Allocate(length);
        }

        public override Span<byte> GetSpan()
        {
            ObjectDisposedException.ThrowIf(_pointer is null, this);
            return new Span<byte>(_pointer, _length);
        }

        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

        public override void Unpin() { }

        public void Free() => Dispose(true);

        protected override void Dispose(bool disposing)
        {
            var p = _pointer;
            _pointer = null;
            Execution.Memory.NativeHeap.Free(p, _length);
        }
    }
}
