using System.Runtime.InteropServices;

namespace Forge.Core.Execution.Memory;

/// <summary>
/// Makes the C heap give large freed blocks back to the OS. glibc raises its mmap threshold after large blocks
/// are freed (up to 32 MiB), after which freed slabs stay resident in malloc arenas: resident memory would no
/// longer follow the memory account. Fixing the threshold at 128 KiB (the default) turns that off, for our
/// buffers and the native readers' (netCDF-C, HDF5) alike.
/// </summary>
internal static partial class NativeHeap
{
    private const int M_MMAP_THRESHOLD = -3;
    private static int _configured;

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
