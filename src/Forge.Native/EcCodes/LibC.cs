using System.Runtime.InteropServices;

namespace Forge.Native.EcCodes;

/// <summary>The two libc calls ecCodes' file reader needs: it takes a C <c>FILE*</c>.</summary>
internal static partial class LibC
{
    private const string Lib = "libc.so.6";

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint fopen(string path, string mode);

    [LibraryImport(Lib)]
    internal static partial int fclose(nint file);
}
