using System.Buffers;
using System.Runtime.InteropServices;

namespace Forge.Core.Execution.Memory;

/// <summary>
/// An exact-size buffer of native memory charged to a <see cref="MemoryAccount"/>. Large buffers are mapped
/// pages that go back to the OS on dispose, so the process's resident memory follows the account.
/// </summary>
public sealed unsafe class AccountedBuffer : MemoryManager<byte>
{
    private readonly int _length;
    private byte* _pointer;
    private MemoryCharge? _charge;

    internal AccountedBuffer(long length, MemoryCharge charge)
    {
        if (length > Array.MaxLength)
            throw new MemoryBudgetException($"a buffer of {Planning.Sizes.Format(length)} is larger than the 2 GiB a single chunk may have");
        _length = (int)length;
        _pointer = NativeHeap.Allocate(length);
        _charge = charge;
    }

    public int Length => _length;

    public Span<byte> Span => GetSpan();

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<byte>(_pointer, _length);
    }

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        var p = _pointer;
        _pointer = null;
        NativeHeap.Free(p, _length);
        Interlocked.Exchange(ref _charge, null)?.Dispose();
    }
}
