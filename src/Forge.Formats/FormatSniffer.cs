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

    /// <summary>How far into the file a GRIB message may start (WMO bulletin headers precede some).</summary>
    private const int GribSearchWindow = 1024;

    /// <summary>"GRIB" followed (at byte 7 of the message) by edition 1 or 2; the word alone, as in a README, is not GRIB.</summary>
    private static bool IsGrib(ReadOnlySpan<byte> head)
    {
        for (var at = head.IndexOf("GRIB"u8); at >= 0;)
        {
            if (at + 7 < head.Length && head[at + 7] is 1 or 2) return true;
            var next = head[(at + 4)..].IndexOf("GRIB"u8);
            at = next < 0 ? -1 : at + 4 + next;
        }

        return false;
    }

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
            if (IsGrib(head)) return ContainerKind.Grib;

            // The HDF5 superblock may follow a user block at 512, 1024, 2048, ... bytes.
            Span<byte> probe = stackalloc byte[8];
            for (long offset = 512; offset + 8 <= stream.Length && offset <= 1L << 20; offset *= 2)
            {
                stream.Position = offset;
                if (stream.ReadAtLeast(probe, 8, throwOnEndOfStream: false) == 8 && probe.SequenceEqual(HdfMagic)) return ContainerKind.Hdf5;
            }

            return ContainerKind.Unknown;
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
}
