using System.Runtime.InteropServices;

namespace Forge.Native.Compression;

/// <summary>
/// Inflates one zlib stream (RFC 1950, e.g. an HDF5 deflate-filtered chunk) into a buffer of known size with
/// libdeflate: about twice zlib's speed for whole-buffer decompression, which is the largest CPU cost of reading
/// deflated NetCDF-4 inputs (docs/performance.md). One decompressor per thread (they are not thread-safe).
/// </summary>
public static unsafe class ZlibInflater
{
    private static readonly Lazy<bool> Loaded = new(() =>
    {
        if (!NativeLibrary.TryLoad(LibDeflateNative.Lib, typeof(ZlibInflater).Assembly, null, out _)) return false;
        try
        {
            return LibDeflateNative.AllocDecompressor() != 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    [ThreadStatic]
    private static nint _decompressor;

    /// <summary>True when libdeflate can be loaded (Debian's libdeflate0).</summary>
    public static bool IsAvailable => Loaded.Value;

    /// <summary>What <see cref="TryInflate"/> found.</summary>
    public enum Outcome
    {
        /// <summary>Inflated; the byte count is set.</summary>
        Inflated,
        /// <summary>The stream is corrupt (bad deflate data, or its Adler-32 does not match).</summary>
        Corrupt,
        /// <summary>The stream inflates to more than the output holds.</summary>
        TooLarge,
    }

    /// <summary>Inflates the zlib stream at the start of <paramref name="input"/> (trailing bytes ignored) into <paramref name="output"/>.</summary>
    public static Outcome TryInflate(ReadOnlySpan<byte> input, Span<byte> output, out int written)
    {
        written = 0;
        if (!IsAvailable) throw new InvalidOperationException($"{LibDeflateNative.Lib} is not available");
        var d = _decompressor;
        if (d == 0) _decompressor = d = LibDeflateNative.AllocDecompressor();
        if (d == 0) throw new OutOfMemoryException("libdeflate could not allocate a decompressor");
        nuint inUsed, outUsed;
        int result;
        fixed (byte* src = input)
        fixed (byte* dst = output)
            result = LibDeflateNative.ZlibDecompressEx(d, src, (nuint)input.Length, dst, (nuint)output.Length, &inUsed, &outUsed);
        switch (result)
        {
            case LibDeflateNative.Success:
                written = checked((int)outUsed);
                return Outcome.Inflated;
            case LibDeflateNative.InsufficientSpace:
                return Outcome.TooLarge;
            default:
                return Outcome.Corrupt;
        }
    }
}
