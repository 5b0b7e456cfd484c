using System.Runtime.InteropServices;

namespace Forge.Native.Compression;

/// <summary>P/Invoke declarations for Debian's libblosc.so.1 (c-blosc 1.21); only the thread-safe *_ctx entry points.</summary>
internal static unsafe partial class BloscNative
{
    private const string Lib = "libblosc.so.1";

    public const int MaxOverhead = 16;
    public const int MaxBufferSize = int.MaxValue - MaxOverhead;

    [LibraryImport(Lib, EntryPoint = "blosc_compress_ctx", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int CompressCtx(int clevel, int doshuffle, nuint typesize, nuint nbytes, byte* src, byte* dest, nuint destsize, string compressor, nuint blocksize, int numinternalthreads);

    [LibraryImport(Lib, EntryPoint = "blosc_decompress_ctx")]
    public static partial int DecompressCtx(byte* src, byte* dest, nuint destsize, int numinternalthreads);

    [LibraryImport(Lib, EntryPoint = "blosc_cbuffer_validate")]
    public static partial int CBufferValidate(byte* cbuffer, nuint cbytes, nuint* nbytes);

    [LibraryImport(Lib, EntryPoint = "blosc_cbuffer_sizes")]
    public static partial void CBufferSizes(byte* cbuffer, nuint* nbytes, nuint* cbytes, nuint* blocksize);
}
