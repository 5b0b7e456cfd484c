using Forge.Core.Datasets;

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

/// <summary>Identifies a file's container from its first bytes, as netCDF-C and ecCodes do.</summary>
public static class FormatSniffer
{
    private static ReadOnlySpan<byte> HdfMagic => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>The first read; NetCDF/HDF5 magic and most GRIB files are decided from it.</summary>
    private const int GribSearchWindow = 1024;

    /// <summary>Block size of the scan for a GRIB message further into the file.</summary>
    private const int ScanBlock = 1 << 16;

    public static ContainerKind Sniff(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            Span<byte> head = stackalloc byte[GribSearchWindow];
            var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..n];
            if (n >= 4 && head[0] == 'C' && head[1] == 'D' && head[2] == 'F' && head[3] is 1 or 2 or 5) return ContainerKind.NetCdf3;
            if (head.StartsWith(HdfMagic)) return ContainerKind.Hdf5;
            // "GRIB" needs its edition byte: the word alone, as in a README, is not a GRIB message.
            if (FindGrib(head) >= 0) return ContainerKind.Grib;

            // The HDF5 superblock may follow a user block at 512, 1024, 2048, ... bytes.
            Span<byte> probe = stackalloc byte[8];
            for (long offset = 512; offset + 8 <= stream.Length && offset <= 1L << 20; offset *= 2)
            {
                stream.Position = offset;
                if (stream.ReadAtLeast(probe, 8, throwOnEndOfStream: false) == 8 && probe.SequenceEqual(HdfMagic)) return ContainerKind.Hdf5;
            }

            // Like ecCodes, a GRIB message may start anywhere (WMO bulletin headers, padding): scan the rest.
            return ScanForGrib(stream, n) ? ContainerKind.Grib : ContainerKind.Unknown;
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

    /// <summary>Offset of "GRIB" followed by a plausible edition byte (1 or 2) at +7, or -1.</summary>
    private static int FindGrib(ReadOnlySpan<byte> data)
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

    private static bool ScanForGrib(FileStream stream, long from)
    {
        const int overlap = 7; // a "GRIB" + edition straddling two blocks
        var buffer = new byte[ScanBlock + overlap];
        var position = Math.Max(0, from - overlap);
        while (position < stream.Length)
        {
            stream.Position = position;
            var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (n == 0) return false;
            if (FindGrib(buffer.AsSpan(0, n)) >= 0) return true;
            if (n < buffer.Length) return false;
            position += ScanBlock;
        }

        return false;
    }
}
