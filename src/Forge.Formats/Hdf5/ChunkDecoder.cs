using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Forge.Core.Datasets;
using Forge.Core.Kernels;
using Forge.Formats.Kernels;
using Forge.Native.Compression;
using Forge.Native.Hdf5;

namespace Forge.Formats.Hdf5;

/// <summary>
/// Undoes an HDF5 deflate/shuffle/fletcher32 pipeline in managed code (thread-safe, no native calls), then
/// converts big-endian elements to little-endian: the same bytes netCDF-C would return.
/// </summary>
internal static class ChunkDecoder
{
    /// <summary>Scratch capacity <see cref="Decode"/> needs for a chunk stored in <paramref name="storedLength"/> bytes.</summary>
    public static int Capacity(Hdf5ChunkedDataset dataset, int storedLength) => Math.Max(storedLength, (int)dataset.ChunkBytes + 64);

    /// <summary>
    /// Decodes the <paramref name="storedLength"/> stored bytes at the start of <paramref name="stored"/>, ping-ponging
    /// between it and <paramref name="scratch"/> (both at least <see cref="Capacity"/> long, both overwritten); returns
    /// the decoded chunk, which lies in one of the two.
    /// </summary>
    /// <param name="filterMask">Bit i set means filter i was skipped when this chunk was written.</param>
    /// <param name="where">The chunk, for error messages.</param>
    public static ReadOnlySpan<byte> Decode(Hdf5ChunkedDataset dataset, byte[] stored, int storedLength, byte[] scratch, uint filterMask, ChunkLocation where)
    {
        var chunkBytes = (int)dataset.ChunkBytes;
        var capacity = Capacity(dataset, storedLength);
        var current = stored;
        var spare = scratch;
        var length = storedLength;
        for (var i = dataset.Filters.Length - 1; i >= 0; i--)
        {
            if ((filterMask & (1u << i)) != 0) continue;
            var filter = dataset.Filters[i];
            switch (filter.Id)
            {
                case Hdf5Native.H5Z_FILTER_DEFLATE:
                    length = Inflate(current.AsSpan(0, length), spare.AsSpan(0, capacity), where);
                    (current, spare) = (spare, current);
                    break;
                case Hdf5Native.H5Z_FILTER_SHUFFLE:
                    var size = filter.Parameters.Length > 0 ? (int)filter.Parameters[0] : dataset.ElementSize;
                    ByteShuffle.Unshuffle(current.AsSpan(0, length), spare.AsSpan(0, length), size);
                    (current, spare) = (spare, current);
                    break;
                case Hdf5Native.H5Z_FILTER_FLETCHER32:
                    if (!Fletcher32.TryVerify(current.AsSpan(0, length), out length))
                        throw new DataException($"{where}: data error detected by the Fletcher32 checksum (corrupt chunk)");
                    break;
                default:
                    throw new InvalidOperationException($"{where}: filter {filter.Id} is not decodable here");
            }
        }

        if (length != chunkBytes)
            throw new DataException($"{where}: a decoded chunk has {length} bytes, expected {chunkBytes} (corrupt chunk)");
        var decoded = current.AsSpan(0, length);
        if (dataset.BigEndian) SwapToLittleEndian(decoded, dataset.ElementSize);
        return decoded;
    }

    /// <summary>Inflate with libdeflate when it is installed (tests turn it off to exercise the zlib-ng path).</summary>
    internal static bool UseLibDeflate { get; set; } = true;

    private static int Inflate(ReadOnlySpan<byte> compressed, Span<byte> output, ChunkLocation where)
    {
        if (!UseLibDeflate || !ZlibInflater.IsAvailable) return InflateWithZlib(compressed, output, where);
        return ZlibInflater.TryInflate(compressed, output, out var written) switch
        {
            ZlibInflater.Outcome.Inflated => written,
            ZlibInflater.Outcome.TooLarge => throw new DataException($"{where}: a deflated chunk inflates to more than {output.Length} bytes (corrupt chunk)"),
            _ => throw new DataException($"{where}: corrupt deflated chunk (libdeflate could not inflate it: bad deflate data or Adler-32 mismatch)"),
        };
    }

    private static unsafe int InflateWithZlib(ReadOnlySpan<byte> compressed, Span<byte> output, ChunkLocation where)
    {
        try
        {
            fixed (byte* p = compressed)
            {
                using var input = new UnmanagedMemoryStream(p, compressed.Length);
                using var zlib = new ZLibStream(input, CompressionMode.Decompress);
                var total = zlib.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
                if (total == output.Length && zlib.ReadByte() >= 0)
                    throw new DataException($"{where}: a deflated chunk inflates to more than {output.Length} bytes (corrupt chunk)");
                return total;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DataException($"{where}: corrupt deflated chunk (zlib could not inflate it: {ex.Message})", ex);
        }
    }

    private static void SwapToLittleEndian(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }
}
