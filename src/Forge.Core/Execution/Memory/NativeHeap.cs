using System.Runtime.InteropServices;

namespace Forge.Core.Execution.Memory;

/// <summary>
/// Makes the C heap give large freed blocks back to the OS. glibc raises its mmap threshold after large blocks
/// are freed (up to 32 MiB), after which freed slabs stay resident in malloc arenas: resident memory would no
/// longer follow the memory account. Fixing the threshold at 128 KiB (the default) turns that off, for our
/// buffers and the native readers' (netCDF-C, HDF5) alike.
/// </summary>
internal static unsafe partial class NativeHeap
{
    private const int M_MMAP_THRESHOLD = -3;
    private const int MADV_HUGEPAGE = 14;
    private const nuint HugePage = 2 << 20;

    /// <summary>Blocks from this size up are 2 MiB aligned and backed by transparent huge pages where the kernel allows.</summary>
    public const long HugePageThreshold = 2 << 20;

    private static int _configured;
    private static int _hugePagesRefused;

    /// <summary>
    /// Allocates <paramref name="length"/> bytes (contents undefined) for a large buffer. Below
    /// <see cref="HugePageThreshold"/> this is malloc (mapped memory that goes back to the OS on <see cref="Free"/>).
    /// From it up the block is a 2 MiB multiple, 2 MiB aligned and advised for transparent huge pages (first touch
    /// faults once per 2 MiB instead of once per 4 KiB), and comes from <see cref="LargeBlockCache"/> when a block
    /// of its class was freed during the run (already resident: no page is zeroed again).
    /// </summary>
    public static byte* Allocate(long length)
    {
        if (length < HugePageThreshold || !OperatingSystem.IsLinux()) return (byte*)NativeMemory.Alloc((nuint)Math.Max(1, length));
        var size = ClassSize(length);
        var p = LargeBlockCache.Take(size);
        if (p is not null) return p;
        p = (byte*)NativeMemory.AlignedAlloc(size, HugePage);
        if (Volatile.Read(ref _hugePagesRefused) == 0)
        {
            try
            {
                // Advice only: a kernel without THP (or with it set to never) refuses and the block stays 4 KiB pages.
                // Only the whole 2 MiB pages of the requested length: the tail stays 4 KiB pages, so resident memory
                // never exceeds the length by more than a page.
                var huge = (nuint)length & ~(HugePage - 1);
                if (MAdvise(p, huge, MADV_HUGEPAGE) != 0) Volatile.Write(ref _hugePagesRefused, 1);
            }
            catch (EntryPointNotFoundException)
            {
                Volatile.Write(ref _hugePagesRefused, 1);
            }
        }

        return p;
    }

    /// <summary>Frees a block from <see cref="Allocate"/> of the same <paramref name="length"/>.</summary>
    public static void Free(byte* p, long length)
    {
        if (p is null) return;
        if (length < HugePageThreshold || !OperatingSystem.IsLinux()) NativeMemory.Free(p);
        else if (!LargeBlockCache.Give(p, ClassSize(length))) FreeBlock(p);
    }

    /// <summary>Gives a large (class-size) block back to the OS.</summary>
    internal static void FreeBlock(byte* p) => NativeMemory.AlignedFree(p);

    /// <summary>The 2 MiB multiple a large block of <paramref name="length"/> bytes occupies.</summary>
    internal static nuint ClassSize(long length) => ((nuint)length + HugePage - 1) & ~(HugePage - 1);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int MAdvise(void* address, nuint length, int advice);

    public static void ReturnLargeBlocksToTheOs()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            _ = MallOpt(M_MMAP_THRESHOLD, 128 * 1024);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);
}
