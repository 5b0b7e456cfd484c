using System.Runtime.InteropServices;

namespace Forge.Native.Compression;

/// <summary>P/Invoke declarations for Debian's libzstd.so.1 (zstd.h).</summary>
internal static unsafe partial class ZstdNative
{
    private const string Lib = "libzstd.so.1";

    public const int CompressionLevelParameter = 100; // ZSTD_c_compressionLevel
    public const int ChecksumFlagParameter = 201; // ZSTD_c_checksumFlag
    public const ulong ContentSizeUnknown = unchecked((ulong)-1);
    public const ulong ContentSizeError = unchecked((ulong)-2);

    [LibraryImport(Lib, EntryPoint = "ZSTD_compress")]
    public static partial nuint Compress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int level);

    [LibraryImport(Lib, EntryPoint = "ZSTD_decompress")]
    public static partial nuint Decompress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Lib, EntryPoint = "ZSTD_getFrameContentSize")]
    public static partial ulong GetFrameContentSize(byte* src, nuint srcSize);

    [LibraryImport(Lib, EntryPoint = "ZSTD_compressBound")]
    public static partial nuint CompressBound(nuint srcSize);

    [LibraryImport(Lib, EntryPoint = "ZSTD_isError")]
    public static partial uint IsError(nuint code);

    [LibraryImport(Lib, EntryPoint = "ZSTD_getErrorName")]
    public static partial nint GetErrorName(nuint code);

    [LibraryImport(Lib, EntryPoint = "ZSTD_createCCtx")]
    public static partial nint CreateCCtx();

    [LibraryImport(Lib, EntryPoint = "ZSTD_freeCCtx")]
    public static partial nuint FreeCCtx(nint cctx);

    [LibraryImport(Lib, EntryPoint = "ZSTD_CCtx_setParameter")]
    public static partial nuint CCtxSetParameter(nint cctx, int parameter, int value);

    [LibraryImport(Lib, EntryPoint = "ZSTD_compress2")]
    public static partial nuint Compress2(nint cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Lib, EntryPoint = "ZSTD_createDCtx")]
    public static partial nint CreateDCtx();

    [LibraryImport(Lib, EntryPoint = "ZSTD_freeDCtx")]
    public static partial nuint FreeDCtx(nint dctx);

    [LibraryImport(Lib, EntryPoint = "ZSTD_decompressDCtx")]
    public static partial nuint DecompressDCtx(nint dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    public static string ErrorName(nuint code) => Marshal.PtrToStringAnsi(GetErrorName(code)) ?? $"zstd error {code}";
}
