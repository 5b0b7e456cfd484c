using System.Runtime.InteropServices;

namespace Forge.Native.Compression;

/// <summary>P/Invoke declarations for Debian's libdeflate.so.0 (libdeflate.h, package libdeflate0).</summary>
internal static unsafe partial class LibDeflateNative
{
    public const string Lib = "libdeflate.so.0";

    public const int Success = 0; // LIBDEFLATE_SUCCESS
    public const int BadData = 1; // LIBDEFLATE_BAD_DATA
    public const int ShortOutput = 2; // LIBDEFLATE_SHORT_OUTPUT
    public const int InsufficientSpace = 3; // LIBDEFLATE_INSUFFICIENT_SPACE

    [LibraryImport(Lib, EntryPoint = "libdeflate_alloc_decompressor")]
    public static partial nint AllocDecompressor();

    [LibraryImport(Lib, EntryPoint = "libdeflate_zlib_decompress_ex")]
    public static partial int ZlibDecompressEx(nint decompressor, byte* input, nuint inputBytes, byte* output, nuint outputAvailable, nuint* actualInput, nuint* actualOutput);
}
