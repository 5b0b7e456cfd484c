namespace Forge.Formats.NetCdf;

/// <summary>The on-disk netCDF format as netCDF-C reports it (nc_inq_format).</summary>
public enum NetCdfFormat
{
    /// <summary>CDF-1 (<c>CDF\x01</c>).</summary>
    Classic = 1,
    /// <summary>CDF-2, 64-bit offsets (<c>CDF\x02</c>).</summary>
    Offset64 = 2,
    /// <summary>NetCDF-4 on HDF5.</summary>
    NetCdf4 = 3,
    /// <summary>NetCDF-4 restricted to the classic model.</summary>
    NetCdf4Classic = 4,
    /// <summary>CDF-5, 64-bit data (<c>CDF\x05</c>).</summary>
    Cdf5 = 5,
}

/// <summary>Helpers over <see cref="NetCdfFormat"/>.</summary>
public static class NetCdfFormatExtensions
{
    /// <summary>True for the CDF-1/2/5 formats (netCDF-C's own reader, no HDF5).</summary>
    public static bool IsClassicFamily(this NetCdfFormat format) => format is NetCdfFormat.Classic or NetCdfFormat.Offset64 or NetCdfFormat.Cdf5;

    /// <summary>The name ncdump -k prints.</summary>
    public static string DisplayName(this NetCdfFormat format) => format switch
    {
        NetCdfFormat.Classic => "classic",
        NetCdfFormat.Offset64 => "64-bit offset",
        NetCdfFormat.Cdf5 => "cdf5",
        NetCdfFormat.NetCdf4 => "netCDF-4",
        NetCdfFormat.NetCdf4Classic => "netCDF-4 classic model",
        _ => format.ToString(),
    };
}
