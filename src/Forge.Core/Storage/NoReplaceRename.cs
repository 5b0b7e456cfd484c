using System.Runtime.InteropServices;

namespace Forge.Core.Storage;

/// <summary>
/// Renames a file to a name that must not exist yet, atomically. .NET's <c>File.Move(overwrite: false)</c> on Linux
/// checks that the name is free and then calls rename(2), which replaces: two creators racing for one name (two runs
/// taking a target's lease) could both "win", the second silently replacing the first. renameat2(RENAME_NOREPLACE)
/// fails with EEXIST instead; on file systems without it, link(2) does the same.
/// </summary>
internal static partial class NoReplaceRename
{
    private const int AtFdCwd = -100;
    private const uint RenameNoReplace = 1;
    private const int EIntr = 4;
    private const int EExist = 17;
    private const int EInval = 22;
    private const int ENoSys = 38;

    /// <summary>True when <paramref name="source"/> now has the name <paramref name="destination"/>; false when that name was taken (the source stays).</summary>
    public static bool TryMove(string source, string destination)
    {
        if (!OperatingSystem.IsLinux())
        {
            // Windows' MoveFileEx without MOVEFILE_REPLACE_EXISTING is atomic.
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        int rc;
        do rc = RenameAt2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplace);
        while (rc != 0 && Marshal.GetLastPInvokeError() == EIntr);
        if (rc == 0) return true;
        var error = Marshal.GetLastPInvokeError();
        if (error == EExist) return false;
        if (error is EInval or ENoSys)
        {
            // The file system cannot rename without replacing: a hard link fails atomically when the name exists.
            do rc = Link(source, destination);
            while (rc != 0 && Marshal.GetLastPInvokeError() == EIntr);
            if (rc == 0)
            {
                File.Delete(source);
                return true;
            }

            error = Marshal.GetLastPInvokeError();
            if (error == EExist) return false;
        }

        throw new IOException($"cannot rename '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(error)}");
    }

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);
}
