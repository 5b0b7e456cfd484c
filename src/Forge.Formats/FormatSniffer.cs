using Forge.Core.Datasets;
using Forge.Core.Sources;

namespace Forge.Formats;

/// <summary>On-disk container kinds recognised by their magic bytes.</summary>
public enum ContainerKind
{
    Unknown,
    /// <summary>CDF-1/2/5 (<c>CDF\x01</c>, <c>CDF\x02</c>, <c>CDF\x05</c>).</summary>
    NetCdf3,
    /// <summary>HDF5 (<c>\x89HDF\r\n\x1a\n</c>), which includes NetCDF-4.</summary>
    Hdf5,
    /// <summary>GRIB edition 1 or 2 (<c>GRIB</c>).</summary>
    Grib,
}

/// <summary>
/// Identifies a file's container from its bytes, as netCDF-C and ecCodes do: NetCDF-3/HDF5 magic at byte 0, the HDF5
/// superblock after a user block (512, 1024, 2048, … bytes), else "GRIB" followed by edition 1 or 2 anywhere in the
/// first <see cref="GribScanLimit"/> bytes (ecCodes skips whatever precedes a message: WMO bulletin headers, padding).
/// Reads go front to back in <see cref="Block"/>-sized pieces, so a remote file costs a few range requests.
/// </summary>
public static class FormatSniffer
{
    /// <summary>How far into a file a first GRIB message is looked for (ecCodes has no bound; a sniffer needs one so an unknown multi-GB file is not read whole).</summary>
    public const int GribScanLimit = 1 << 20;

    /// <summary>Size of each read; the first one decides NetCDF, HDF5 and GRIB files with headers of up to 64 KiB.</summary>
    public const int Block = 1 << 16;

    /// <summary>Highest HDF5 user-block offset probed (HDF5 allows any power of two from 512).</summary>
    private const long MaxUserBlock = 1L << 20;

    private const int Overlap = 7; // "GRIB" + edition byte straddling two blocks

    private static ReadOnlySpan<byte> HdfMagic => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>The container of a local file.</summary>
    /// <exception cref="DataException">The file cannot be read.</exception>
    public static ContainerKind Sniff(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = RandomAccess.GetLength(handle);
            return SniffAsync(length, (offset, buffer, _) => ValueTask.FromResult(RandomAccess.Read(handle, buffer.Span, offset)), CancellationToken.None)
                .AsTask().GetAwaiter().GetResult(); // completes synchronously: every read above is synchronous
        }
        catch (IOException ex)
        {
            throw new DataException($"{path}: cannot read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DataException($"{path}: cannot read: {ex.Message}", ex);
        }
    }

    /// <summary>The container of a remote file read by range: one 64 KiB request, more only when the first does not decide it.</summary>
    public static ValueTask<ContainerKind> SniffAsync(IRandomAccessInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return SniffAsync(input.Length, async (offset, buffer, token) =>
        {
            await input.ReadAsync(offset, buffer, token).ConfigureAwait(false);
            return buffer.Length;
        }, ct);
    }

    /// <summary>Offset of "GRIB" followed by a plausible edition byte (1 or 2) at +7 in <paramref name="data"/>, or -1.</summary>
    public static int FindGrib(ReadOnlySpan<byte> data)
    {
        for (var from = 0; ;)
        {
            var i = data[from..].IndexOf("GRIB"u8);
            if (i < 0) return -1;
            i += from;
            if (i + 8 <= data.Length && data[i + 7] is 1 or 2) return i;
            from = i + 1;
        }
    }

    private delegate ValueTask<int> ReadAt(long offset, Memory<byte> buffer, CancellationToken ct);

    private static async ValueTask<ContainerKind> SniffAsync(long length, ReadAt read, CancellationToken ct)
    {
        // Magic at byte 0 first, from 8 bytes: a remote NetCDF file costs no more than its header read.
        var magic = new byte[(int)Math.Min(8, length)];
        var m = await ReadFullyAsync(read, 0, magic, ct).ConfigureAwait(false);
        if (m >= 4 && magic[0] == 'C' && magic[1] == 'D' && magic[2] == 'F' && magic[3] is 1 or 2 or 5) return ContainerKind.NetCdf3;
        if (magic.AsSpan(0, m).SequenceEqual(HdfMagic)) return ContainerKind.Hdf5;

        var buffer = new byte[Block + Overlap];
        var n = await ReadFullyAsync(read, 0, buffer.AsMemory(0, (int)Math.Min(Block, length)), ct).ConfigureAwait(false);
        var head = buffer.AsMemory(0, n);

        // The HDF5 superblock may follow a user block at 512, 1024, 2048, ... bytes; checked before any GRIB search
        // so bytes inside an HDF5 file never make it GRIB.
        var probe = new byte[8];
        for (long offset = 512; offset + 8 <= length && offset <= MaxUserBlock; offset *= 2)
        {
            if (offset + 8 <= n)
            {
                if (head.Span.Slice((int)offset, 8).SequenceEqual(HdfMagic)) return ContainerKind.Hdf5;
                continue;
            }

            if (await ReadFullyAsync(read, offset, probe, ct).ConfigureAwait(false) == 8 && probe.AsSpan().SequenceEqual(HdfMagic)) return ContainerKind.Hdf5;
        }

        // "GRIB" needs its edition byte: the word alone, as in a README or a bulletin's text, is not a message.
        if (FindGrib(head.Span) >= 0) return ContainerKind.Grib;
        for (long position = Block - Overlap; n == Block && position < Math.Min(length, GribScanLimit); position += Block)
        {
            n = await ReadFullyAsync(read, position, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - position)), ct).ConfigureAwait(false);
            if (FindGrib(buffer.AsSpan(0, n)) >= 0) return ContainerKind.Grib;
            if (n < buffer.Length) break;
            n = Block;
        }

        return ContainerKind.Unknown;
    }

    private static async ValueTask<int> ReadFullyAsync(ReadAt read, long offset, Memory<byte> destination, CancellationToken ct)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var got = await read(offset + total, destination[total..], ct).ConfigureAwait(false);
            if (got <= 0) break;
            total += got;
        }

        return total;
    }
}
