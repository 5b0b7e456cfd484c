using Forge.Native.Interop;

namespace Forge.Native.NetCdf;

/// <summary>The one place netCDF-C status codes become exceptions.</summary>
internal static class NetCdfStatus
{
    /// <summary>Throws <see cref="NetCdfException"/> naming <paramref name="file"/> (and <paramref name="variable"/>) unless status is NC_NOERR.</summary>
    public static void Check(int status, string file, string? variable = null)
    {
        if (status != NetCdfNative.NC_NOERR) throw Error(status, file, variable);
    }

    public static NetCdfException Error(int status, string file, string? variable = null)
    {
        string text;
        unsafe { text = NativeText.FromPointer(NetCdfNative.nc_strerror(status)); }
        var where = variable is null ? file : $"{file}: variable '{variable}'";
        return new NetCdfException($"{where}: {text} (netCDF status {status})", status, file, variable);
    }
}
