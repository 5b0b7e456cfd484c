using System.Runtime.InteropServices;

namespace Forge.Core.Storage;

/// <summary>
/// fsync(2) of a directory: makes the names it holds (a rename into it, a new subdirectory, an unlink) survive a
/// crash of the machine. .NET opens no directory handles, so this goes to libc. Windows has no such call (NTFS
/// journals its metadata); there it does nothing.
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0;
    private const int EIntr = 4;
    private const int EInval = 22;

    /// <summary>Flushes the directory <paramref name="path"/>; IOException naming it when the kernel reports an error.</summary>
    public static void Flush(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd;
        do fd = Open(path, ORdOnly);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr);
        if (fd < 0) throw new IOException($"cannot open directory '{path}' to flush it: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        try
        {
            // EINVAL: the file system cannot sync directories (some FUSE and network mounts); nothing more is possible there.
            if (FSync(fd) != 0 && Marshal.GetLastPInvokeError() is var error and not EInval)
                throw new IOException($"cannot flush directory '{path}' to disk: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
