using Forge.Native.Hdf5;
using Forge.Native.Interop;

namespace Forge.Native.NetCdf;

/// <summary>Versions of the native libraries in use (for <c>forge --version</c> and bug reports).</summary>
public static class NetCdfLibrary
{
    /// <summary>netCDF-C's version string, e.g. "4.9.0 of Jul 31 2022 ...".</summary>
    public static string Version
    {
        get
        {
            using (NetCdfLock.Enter())
                unsafe { return NativeText.FromPointer(NetCdfNative.nc_inq_libvers()); }
        }
    }

    /// <summary>The HDF5 library version, e.g. "1.10.8".</summary>
    public static string Hdf5Version
    {
        get
        {
            using (NetCdfLock.Enter())
            {
                Hdf5Native.H5get_libversion(out var major, out var minor, out var release);
                return $"{major}.{minor}.{release}";
            }
        }
    }
}
