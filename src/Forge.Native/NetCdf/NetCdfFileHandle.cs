using System.Runtime.InteropServices;

namespace Forge.Native.NetCdf;

/// <summary>Owns one netCDF-C ncid; closing it (under <see cref="NetCdfLock"/>) releases the file.</summary>
internal sealed class NetCdfFileHandle : SafeHandle
{
    private NetCdfFileHandle(int ncid, string path) : base(-1, ownsHandle: true)
    {
        SetHandle(ncid);
        Path = path;
    }

    public string Path { get; }

    public int NcId => (int)handle;

    public override bool IsInvalid => handle == -1;

    /// <summary>Opens <paramref name="path"/> read-only. Caller must hold <see cref="NetCdfLock"/>.</summary>
    public static NetCdfFileHandle Open(string path)
    {
        NetCdfStatus.Check(NetCdfNative.nc_open(path, NetCdfNative.NC_NOWRITE, out var ncid), path);
        return new NetCdfFileHandle(ncid, path);
    }

    protected override bool ReleaseHandle()
    {
        using (NetCdfLock.Enter())
            return NetCdfNative.nc_close((int)handle) == NetCdfNative.NC_NOERR;
    }
}
